#!/usr/bin/env python3
"""make-incident-capture's engine: one real httpd incident per scenario, recorded on loopback.

usage: incident.py [--out DIR] [--work DIR] [--seed S] [--duration SECONDS] SCENARIO... | all
Writes DIR/<scenario>/{capture.pcap, labels.tsv, truth.json, plan.jsonl, kills.jsonl,
error.log, access.log, summary.txt}.  See README.md beside this file.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True                   # no __pycache__ inside the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clients  # noqa: E402
import plans  # noqa: E402
import server  # noqa: E402
import truth  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (load, crash source, default duration s)
SCENARIOS = {
    'crash-loop-5s': ('timer', 'periodic', 90),
    'random-crashes': ('timer', 'poisson', 90),
    'crash-on-sslv2-hello': ('hello', 'sslv2', 30),
    'crash-on-sni': ('hello', f'sni {plans.CRASH_SNI}', 30),
    'crash-any-hello': ('hello', 'random 40', 30),
}


class Tcpdump:
    def __init__(self, pcap, err):
        ip, port = server.SERVER
        self.err = err
        self.p = subprocess.Popen(['tcpdump', '-i', 'lo', '-s', '0', '-B', '65536', '-n', '-Z', 'root',
                                   '-w', pcap, f'host {ip} and tcp port {port}'],
                                  stdout=subprocess.DEVNULL, stderr=open(err, 'w'))
        for _ in range(100):
            if 'listening on' in open(err).read():
                return
            time.sleep(0.1)
        raise SystemExit('tcpdump did not start: ' + open(err).read())

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(2)
            self.p.wait(30)


def run_load(jobs, origin, work, ca):
    """Starts each job at origin + job['t'] on its own thread; returns the results by job id."""
    results = {}
    lock = threading.Lock()
    for job in jobs:
        if job.get('post_bytes'):
            path = os.path.join(work, f'post-{job["post_bytes"]}.bin')
            clients.make_post_file(path, job['post_bytes'])
            job['post_file'] = path

    def one(job):
        try:
            r = clients.RUNNERS[job['tool']](job, ca)
        except Exception as e:                       # a generator bug must not hide the others
            r = dict(t0=time.time(), rc=-1, text=f'generator error {type(e).__name__}: {e}', conns=[])
        with lock:
            results[job['id']] = r

    threads = []
    for job in jobs:
        delay = origin + job['t'] - time.time()
        if delay > 0:
            time.sleep(delay)
        th = threading.Thread(target=one, args=(job,), daemon=True)
        th.start()
        threads.append(th)
    for th in threads:
        th.join(120)
    return results


def run_scenario(name, out, work, seed, duration):
    load, crash, default_duration = SCENARIOS[name]
    duration = duration or default_duration
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.split('.')[0] in ('capture', 'labels', 'truth', 'plan', 'kills', 'error', 'access', 'summary',
                               'tcpdump', 'schedule'):
            os.unlink(os.path.join(d, f))
    run_dir = os.path.join(work, 'run-' + name)
    os.makedirs(run_dir, exist_ok=True)
    os.chmod(run_dir, 0o755)
    for f in ('error.log', 'access.log'):
        if os.path.exists(os.path.join(run_dir, f)):
            os.unlink(os.path.join(run_dir, f))
    so = server.build_module(os.path.join(work, 'mod'))
    crash_hello = crash if load == 'hello' else None
    conf = server.write_conf(work, run_dir, crash_hello, 10 if load == 'timer' else 5, so)

    if load == 'timer':
        jobs, plan_facts = plans.timer_plan(seed, duration)
        kills = plans.periodic_kills(seed, duration) if crash == 'periodic' else plans.poisson_kills(seed, duration)
    else:
        jobs, plan_facts = plans.hello_plan(seed, duration, crash.split()[0])
        kills = []
    jobs = plans.finish(jobs, seed)
    with open(os.path.join(d, 'plan.jsonl'), 'w') as f:
        for job in jobs:
            f.write(json.dumps({k: v for k, v in job.items() if k != 'post_file'}, sort_keys=True) + '\n')

    server.log(f'{name}: {len(jobs)} clients over {duration} s, crash: {crash}, seed {seed}')
    pid = server.start_httpd(conf, run_dir)
    tcpdump = None
    killer = None
    try:
        tcpdump = Tcpdump(os.path.join(d, 'capture.pcap'), os.path.join(d, 'tcpdump.err'))
        time.sleep(0.5)
        origin = time.time() + 1.0
        if kills:
            with open(os.path.join(run_dir, 'schedule.json'), 'w') as f:
                json.dump([origin + k for k in kills], f)
            killer = subprocess.Popen([sys.executable, os.path.join(HERE, 'killer.py'), '--parent', str(pid),
                                       '--server', f'{server.SERVER[0]}:{server.SERVER[1]}',
                                       '--schedule', os.path.join(run_dir, 'schedule.json'),
                                       '--seed', str(seed), '--out', os.path.join(d, 'kills.jsonl')])
        results = run_load(jobs, origin, work, os.path.join(work, 'pki', 'root.crt'))
        if killer:
            killer.wait(duration + 30)
        time.sleep(1.5)                             # the last FIN/ACKs
    finally:
        if tcpdump:
            tcpdump.stop()
        if killer and killer.poll() is None:
            killer.terminate()
        server.stop_httpd(pid)
    for f in ('error.log', 'access.log'):
        os.replace(os.path.join(run_dir, f), os.path.join(d, f))
    kill_recs = []
    if kills:
        with open(os.path.join(d, 'kills.jsonl')) as f:
            kill_recs = [json.loads(line) for line in f]
    t = truth.build(name, load, crash, seed, duration, origin, jobs, results, kill_recs, plan_facts,
                    os.path.join(d, 'error.log'))
    truth.write(d, t)
    summary, ok = truth.summary(d, t)
    print(summary)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('scenarios', nargs='+')
    ap.add_argument('--out', default='incident-captures')
    ap.add_argument('--work', default='/tmp/nfe-incident-work')
    ap.add_argument('--seed', type=int, default=5)
    ap.add_argument('--duration', type=float)
    a = ap.parse_args()
    names = list(SCENARIOS) if a.scenarios == ['all'] else a.scenarios
    for n in names:
        if n not in SCENARIOS:
            raise SystemExit(f'unknown scenario {n}; known: {", ".join(SCENARIOS)} or all')
    if os.geteuid() != 0:
        raise SystemExit('needs root (port 443, tcpdump, SIGSEGV to httpd children)')
    for k in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'):
        os.environ.pop(k, None)
    os.makedirs(a.work, exist_ok=True)
    # httpd's children run as nobody: every directory on the way to the docroot must be searchable
    os.chmod(a.work, 0o755)
    p = os.path.dirname(os.path.abspath(a.work))
    while p != '/':
        if not os.stat(p).st_mode & 0o001:
            raise SystemExit(f'--work {a.work}: {p} is not searchable by others (httpd children run as nobody)')
        p = os.path.dirname(p)
    server.make_pki(os.path.join(a.work, 'pki'))
    server.make_docroot(os.path.join(a.work, 'docs'), os.path.join(a.work, 'cgi'))
    os.makedirs(a.out, exist_ok=True)
    failed = [n for n in names if not run_scenario(n, a.out, a.work, a.seed, a.duration)]
    if failed:
        raise SystemExit(f'the tshark cross-check failed for: {", ".join(failed)} (see summary.txt)')


if __name__ == '__main__':
    main()
