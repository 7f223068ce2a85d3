"""Seeded plans: which client starts when, doing what; and when the crash timer fires.

A plan is a function of (scenario, seed, duration) only; timing and kernel details are not.
Times are seconds from the start of the load (the generator adds the wall-clock origin).
"""
import random

NAMES = ['www.example.test', 'example.test', 'static.example.test', 'api.example.test', 'shop.example.test']
CRASH_SNI = 'crash.example.test'
STATIC = ['/', '/index.html', '/static/app.js', '/img/logo.png', '/api/status']
POST_SIZES = [114688, 131072, 147456]       # larger than what httpd drains into a stalled CGI (~94 KiB)
PERIOD_S = 5.0
JITTER_S = 0.04


def _client_ips(rng, n):
    """One client address per job (127.1.0.0/16), so every connection maps to its job."""
    pool = [f'127.1.{b}.{c}' for b in range(256) for c in range(1, 255)]
    return rng.sample(pool, n)


def _tls(rng):
    return rng.choice([None, '1.2', '1.3'])


def _fast(rng):
    if rng.random() < 0.08:           # a client that connects by address: no SNI
        return dict(behaviour='fast', tool='s_client', sni=None, tls=_tls(rng), path=rng.choice(STATIC))
    if rng.random() < 0.7:
        return dict(behaviour='fast', tool='curl', sni=rng.choice(NAMES), tls=_tls(rng), path=rng.choice(STATIC))
    return dict(behaviour='fast', tool='s_client', sni=rng.choice(NAMES), tls=_tls(rng), path=rng.choice(STATIC))


def _timer_job(rng, kind=None):
    """The mix that keeps connections open in every phase when a crash comes: (job, seconds open)."""
    r = rng.random() if kind is None else 0.0
    t = round(rng.uniform(1.0, 7.0), 1)
    if r < 0.22:
        return _fast(rng), 0.2
    if r < 0.40:
        tool = 'curl' if rng.random() < 0.65 else 's_client'
        return dict(behaviour='slow_get', tool=tool, sni=rng.choice(NAMES), tls=_tls(rng),
                    path=f'/cgi-bin/slow?t={t}'), t + 0.3
    if r < 0.62:
        return dict(behaviour='slow_post', tool='curl', sni=rng.choice(NAMES), tls=_tls(rng),
                    path=f'/cgi-bin/slow?t={t}&upload=1', post_bytes=rng.choice(POST_SIZES)), t + 0.4
    if r < 0.80:
        idle = round(rng.uniform(2.0, 8.0), 1)
        return dict(behaviour='keepalive', tool='curl', sni=rng.choice(NAMES), tls=_tls(rng),
                    path=rng.choice(['/', '/api/status']), transfers=2, idle_s=idle), idle + 0.3
    stall = round(rng.uniform(1.0, 5.0), 1)
    return dict(behaviour='stall_handshake', tool='py_stall', sni=rng.choice(NAMES),
                tls=rng.choice(['1.2', '1.3']), path='/', stall_s=stall), stall + 0.3


def timer_plan(seed, duration):
    """Arrivals at ~1.6/s with quiet windows (4.5-6 s, nothing open; one in each 30 s, never at
    the ends) so that some crash cycles find no connection: those cycles are missed on the wire,
    as in production.  A client that would still be open in a quiet window becomes a quick one."""
    rng = random.Random(seed)
    gaps = []
    n_gaps = max(1, int(duration // 30))
    for i in range(n_gaps):
        lo = duration * (i + 0.25) / n_gaps
        start = round(lo + rng.uniform(0, duration * 0.25 / n_gaps), 1)
        gaps.append((start, round(start + rng.uniform(4.5, 6.0), 1)))

    def clash(t0, t1):
        return any(g0 - 0.3 < t1 and t0 < g1 for g0, g1 in gaps) or t1 > duration - 0.5

    jobs, t = [], 0.3
    while True:
        t += rng.expovariate(1.6)
        if t >= duration - 1.0:
            break
        job, hold = _timer_job(rng)
        if clash(t, t + hold):
            job, hold = _fast(rng), 0.2
            if clash(t, t + hold):
                continue
        job['t'] = round(t, 3)
        jobs.append(job)
    return jobs, dict(quiet_windows=gaps)


def periodic_kills(seed, duration):
    """Every PERIOD_S from the start, each moved by up to +-JITTER_S (seeded): a crash timer
    in real code (a watchdog, a request that comes due) is not exact to the millisecond."""
    rng = random.Random(seed * 31 + 5)
    n = int((duration - 1.0) // PERIOD_S)
    return [round(PERIOD_S * k + rng.uniform(-JITTER_S, JITTER_S), 3) for k in range(1, n + 1)]


def poisson_kills(seed, duration, mean=PERIOD_S):
    rng = random.Random(seed * 7919 + 17)
    out, t = [], 0.0
    while True:
        t += rng.expovariate(1.0 / mean)
        if t >= duration - 1.0:
            return out
        out.append(round(t, 3))


def hello_plan(seed, duration, trigger):
    """Healthy TLS 1.2/1.3 handshakes from curl, s_client and python's ssl at ~4/s (some with no
    SNI, as clients that connect by address send), plus for `sslv2` SSLv2-format hellos (15%)
    and for `sni` hellos naming CRASH_SNI (15%)."""
    rng = random.Random(seed)
    jobs, t = [], 0.2
    while True:
        t += rng.expovariate(4.0)
        if t >= duration - 1.0:
            break
        r = rng.random()
        if trigger == 'sslv2' and r < 0.15:
            job = dict(behaviour='sslv2_hello', tool='py_sslv2', sni=None, tls=None, path=None,
                       v2_version=rng.choice([0x0301, 0x0301, 0x0301, 0x0300, 0x0302]),
                       v2_specs=rng.choice([25, 25, 11]),
                       challenge=bytes(rng.getrandbits(8) for _ in range(32)).hex())
        else:
            names = NAMES + [CRASH_SNI] if trigger == 'sni' else NAMES
            weights = [3, 1, 1.5, 2, 1] + ([2.5] if trigger == 'sni' else [])
            sni = rng.choices(names, weights)[0]
            u = rng.random()
            if u < 0.30:          # clients that connect by address (probes, scripts): no SNI
                job = dict(behaviour='fast', tool='s_client', sni=None, tls=_tls(rng), path=rng.choice(STATIC))
            elif u < 0.62:
                job = dict(behaviour='fast', tool='curl', sni=sni, tls=_tls(rng), path=rng.choice(STATIC))
            elif u < 0.88:
                job = dict(behaviour='fast', tool='s_client', sni=sni, tls=_tls(rng), path=rng.choice(STATIC))
            else:
                job = dict(behaviour='fast', tool='py_stall', sni=sni, tls=rng.choice(['1.2', '1.3']), path='/',
                           stall_s=round(rng.uniform(0.05, 0.3), 2))
        job['t'] = round(t, 3)
        jobs.append(job)
    return jobs, {}


def finish(jobs, seed):
    """Numbers the jobs and gives each its client address (and port, for s_client)."""
    rng = random.Random(seed + 1)
    ips = _client_ips(rng, len(jobs))
    for i, job in enumerate(jobs):
        job['id'] = i
        job['client_ip'] = ips[i]
        if job['tool'] == 's_client':
            job['client_port'] = rng.randint(32768, 60999)
    return jobs
