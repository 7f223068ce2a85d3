"""Ground truth from the generator's own knowledge: the plan, what each client reported, the
killer's look at every child's sockets just before each kill, and httpd's error log.  Nothing
here reads the capture (check.py does that, as a cross-check)."""
import collections
import json
import os
import platform
import re
import subprocess

import plans
import server

LABEL_COLUMNS = ['conn_id', 't_start', 'ip_version', 'client_ip', 'client_port', 'server_ip', 'server_port',
                 'scenario', 'client', 'server_kind', 'detail', 'client_ok', 'client_result',
                 # beyond make-capture.sh's columns
                 'behaviour', 'crash_tick', 'crash_pid', 'crash_ts', 'phase_at_crash', 'unread_at_crash',
                 'expected_server_end']

CRASH_LINE = re.compile(r'crash_hello: crashing on client ([0-9.]+):(\d+), hello (\S+), (\d+) bytes unread, sni=(\S+)')
EXIT_LINE = re.compile(r'AH00052: child pid (\d+) exit signal Segmentation fault \(11\)')
RESET_TEXT = re.compile(r'reset by peer|errno=104|py:reset|Connection reset')


def _curl_phase(conn, t_kill, post):
    """Where a curl connection was when its child died, from curl's own -w timings.  A transfer
    the crash ended has http code 000 (no response header came); curl's time_starttransfer is
    not used for it (for an upload curl sets it when the body starts to go out)."""
    trs = sorted(conn.get('transfers', []), key=lambda t: t['t_start'])
    for i, tr in enumerate(trs):
        s = tr['t_start']
        failed = tr['http'] == '000' and i + 1 == len(trs)
        if t_kill > s + tr['total'] and not failed:
            if i + 1 == len(trs):
                return 'keepalive_idle'    # after the last response on it; httpd kept the connection
            if t_kill < trs[i + 1]['t_start']:
                return 'keepalive_idle'
            continue
        if t_kill < s + tr['connect']:
            return 'before_hello'
        if i == 0 and (tr['appconnect'] == 0 or t_kill < s + tr['appconnect']):
            return 'handshake'
        if failed or tr['first_byte'] == 0 or t_kill < s + tr['first_byte']:
            return 'upload_unread' if post else 'request_wait'
        return 'response'
    return 'unknown'


def _stall_phase(ev, t_kill):
    if t_kill < ev.get('hello_sent', float('inf')):
        return 'before_hello'
    if t_kill < ev.get('flight2_sent', float('inf')):
        return 'handshake'
    if t_kill < ev.get('first_byte', float('inf')):
        return 'request_wait'
    return 'response'


def phase_at(job, conn, result, t_kill):
    if job['tool'] == 'curl':
        return _curl_phase(conn, t_kill, bool(job.get('post_bytes')))
    if job['tool'] == 'py_stall':
        return _stall_phase(conn.get('events', {}), t_kill)
    # s_client: the first response byte on its stdout and its exit; its handshake takes
    # milliseconds, so a kill in the first 0.3 s is not placed more precisely than 'early'
    if conn.get('first_byte') and t_kill >= conn['first_byte']:
        return 'response' if t_kill < conn['end'] else 'lingering_close'
    return 'request_wait' if t_kill - result['t0'] > 0.3 else 'early'


def _detail(job):
    keys = ('sni', 'tls', 'path', 'post_bytes', 'idle_s', 'stall_s', 'v2_version', 'v2_specs')
    parts = []
    for k in keys:
        v = job.get(k)
        if v is None:
            continue
        parts.append(f'{k}={hex(v) if k == "v2_version" else v}')
    return ','.join(parts)


def build(name, load, crash, seed, duration, origin, jobs, results, kills, plan_facts, error_log):
    by_ip = {j['client_ip']: j for j in jobs}
    log_text = open(error_log, errors='replace').read() if os.path.exists(error_log) else ''
    crashed = {}                                    # (ip, port) -> module's crash line
    for m in CRASH_LINE.finditer(log_text):
        crashed[(m.group(1), int(m.group(2)))] = dict(format=m.group(3), unread=int(m.group(4)), sni=m.group(5))
    segv_pids = [int(p) for p in EXIT_LINE.findall(log_text)]
    killed = {}                                     # (ip, port) -> (kill record, socket facts)
    for k in kills:
        for h in k['held']:
            ip, port = h['client'].rsplit(':', 1)
            killed[(ip, int(port))] = (k, h)

    rows = []
    for job in jobs:
        res = results.get(job['id'], dict(t0=origin + job['t'], rc=-1, text='no result', conns=[]))
        conns = {c['port']: c for c in res['conns'] if c.get('port')}
        for (ip, port) in list(killed) + list(crashed):       # connections only the server side saw
            if ip == job['client_ip'] and port not in conns:
                conns[port] = dict(port=port)
        for port, conn in sorted(conns.items()):
            key = (job['client_ip'], port)
            row = dict(behaviour=job['behaviour'], crash_tick='', crash_pid='', crash_ts='', phase_at_crash='',
                       unread_at_crash='', expected_server_end='')
            if key in killed:
                k, h = killed[key]
                phase = phase_at(job, conn, res, k['t_kill'])
                row.update(scenario=f'crash_{phase}', crash_tick=k['tick'], crash_pid=k['pid'],
                           crash_ts=f'{k["t_kill"]:.6f}', phase_at_crash=phase, unread_at_crash=h['rx_queue'],
                           expected_server_end='rst' if h['rx_queue'] > 0 else 'fin')
                ok = res['rc'] != 0 or phase == 'keepalive_idle'
            elif key in crashed:
                c = crashed[key]
                row.update(scenario='reset_after_client_hello', phase_at_crash='after_client_hello',
                           unread_at_crash=c['unread'], expected_server_end='rst')
                ok = RESET_TEXT.search(res['text']) is not None
            else:
                row.update(scenario='completed', expected_server_end='normal')
                ok = res['rc'] == 0
            row.update(t_start=f'{res["t0"]:.6f}', ip_version='ipv4', client_ip=job['client_ip'], client_port=port,
                       server_ip=server.SERVER[0], server_port=server.SERVER[1], client=job['tool'],
                       server_kind='apache2_prefork', detail=_detail(job), client_ok=int(ok),
                       client_result=res['text'].replace('\t', ' '))
            rows.append(row)
    rows.sort(key=lambda r: (float(r['t_start']), r['client_ip'], r['client_port']))
    for i, r in enumerate(rows):
        r['conn_id'] = i

    t = dict(scenario=name, seed=seed, duration_s=duration, origin_epoch=round(origin, 6),
             server=f'{server.SERVER[0]}:{server.SERVER[1]}', server_software=_httpd_version(),
             openssl=_openssl_version(), kernel=platform.release(), clients=len(jobs), connections=len(rows),
             counts=dict(sorted(collections.Counter(r['scenario'] for r in rows).items())),
             counts_by_expected_server_end=dict(sorted(collections.Counter(
                 r['expected_server_end'] for r in rows).items())),
             client_mismatches=sum(1 for r in rows if not r['client_ok']),
             httpd_segfaults_logged=len(segv_pids))
    if load == 'timer':
        visible = [k for k in kills if k['held']]
        t['crash'] = dict(
            source='timer: SIGSEGV to one httpd prefork child (killer.py)',
            schedule=crash, period_s=plans.PERIOD_S if crash == 'periodic' else None,
            planned_jitter_s=plans.JITTER_S if crash == 'periodic' else None,
            mean_interval_s=plans.PERIOD_S if crash == 'poisson' else None,
            planned_offsets_s=[round(k['t_planned'] - origin, 3) for k in kills],
            kill_offsets_s=[round(k['t_kill'] - origin, 4) if k['t_kill'] else None for k in kills],
            kills=kills, ticks=len(kills), ticks_with_connection=len(visible),
            missed_cycles=len(kills) - len(visible),
            kill_late_ms_max=round(max((abs(k['t_kill'] - k['t_planned']) * 1000 for k in kills if k['t_kill']),
                                       default=0), 1),
            visible_kill_offsets_s=[round(k['t_kill'] - origin, 4) for k in kills if k['held'] and k['t_kill']],
            quiet_windows_s=plan_facts.get('quiet_windows'))
        t['trigger'] = None
        t['expected_diagnosis'] = dict(
            recurrence=dict(period_s=plans.PERIOD_S, tolerance_s=0.25) if crash == 'periodic' else None,
            note='a prefork child holds one connection: each visible crash ends exactly one connection; the '
                 'kernel sends RST only when that socket has unread bytes (expected_server_end), else FIN')
    else:
        mode, *arg = crash.split()
        trig = {'sslv2': dict(feature='hello_format', value='sslv2'),
                'sni': dict(feature='sni', value=arg[0] if arg else None),
                'random': None}[mode]
        t['crash'] = dict(source=f'mod_crash_hello "CrashHello {crash}" in pre_connection, before mod_ssl',
                          crashes_logged=len(crashed))
        t['trigger'] = trig
        t['expected_diagnosis'] = dict(recurrence=None, discriminators=[trig] if trig else [],
                                       crash_share=0.40 if mode == 'random' else None)
    t['rows'] = rows
    return t


def _httpd_version():
    r = subprocess.run(['apache2', '-v'], stdout=subprocess.PIPE, text=True)
    return r.stdout.splitlines()[0].split(':', 1)[1].strip() + ', prefork MPM, mod_ssl'


def _openssl_version():
    return subprocess.run(['openssl', 'version'], stdout=subprocess.PIPE, text=True).stdout.strip()


def write(d, t):
    rows = t.pop('rows')
    with open(os.path.join(d, 'labels.tsv'), 'w') as f:
        f.write('\t'.join(LABEL_COLUMNS) + '\n')
        for r in rows:
            f.write('\t'.join(str(r[c]) for c in LABEL_COLUMNS) + '\n')
    with open(os.path.join(d, 'truth.json'), 'w') as f:
        json.dump(t, f, indent=1, sort_keys=False)
        f.write('\n')
    t['rows'] = rows


def summary(d, t):
    import check
    lines = [f'scenario {t["scenario"]}: {t["clients"]} clients, {t["connections"]} connections, seed {t["seed"]}',
             f'counts: {t["counts"]}', f'expected server end: {t["counts_by_expected_server_end"]}',
             f'client-side mismatches: {t["client_mismatches"]}',
             f'httpd logged {t["httpd_segfaults_logged"]} children dead of SIGSEGV']
    c = t['crash']
    if 'ticks' in c:
        lines.append(f'crash timer ({c["schedule"]}): {c["ticks"]} kills, {c["ticks_with_connection"]} with a '
                     f'connection open, {c["missed_cycles"]} missed; kills at most '
                     f'{c["kill_late_ms_max"]} ms off their planned times')
    lines.append('--- tcpdump')
    lines.append(open(os.path.join(d, 'tcpdump.err')).read().strip())
    lines.append('--- tshark against the labels (a check on the capture; the labels do not come from it)')
    ok, report = check.check(d)
    lines.append(report)
    lines.append('check: ' + ('PASS' if ok else 'FAIL'))
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(d, 'summary.txt'), 'w') as f:
        f.write(text)
    return text, ok
