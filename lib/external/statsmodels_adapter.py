#!/usr/bin/env python3
"""vcsim adapter for statsmodels MixedLM (protocol 1; see lib/external/adapter_protocol.ts).

    python3 statsmodels_adapter.py          serve: one JSON request per stdin line,
                                            one JSON reply per stdout line
    python3 statsmodels_adapter.py --check  import statsmodels, print its version, exit 0

Each request is fitted the way the statsmodels variance-components notebook
does, with MixedLM.from_formula and vc_formula:

- nested terms (one factor within whose levels every other factor's levels
  lie, e.g. group1 for group1 + group1:group2): groups = that factor,
  re_formula "1", and a variance component "0 + C(f)" for every other factor;
- otherwise (crossed): one group holding every row and a variance component
  per factor.

The fixed part is "y ~ 0 + x1 + ...". fit(reml=...) runs with statsmodels'
defaults (settings "method" and "maxiter", when given, are passed to fit).
The reply has cov_re / vcomp / scale as variances, fe_params and bse_fe,
result.converged, every warning of the fit as messages, and singular when
some variance is below 1e-8 of the residual variance (a relative SD below
1e-4: lme4's isSingular tolerance). An error in one request is replied as
{"ok": false, "error": ...}. Stray output goes to stderr, so stdout carries
replies only. End of stdin ends the adapter at once, even during a fit.
"""

import json
import math
import os
import queue
import signal
import sys
import threading
import warnings


def check():
    try:
        import statsmodels.api  # noqa: F401
        import statsmodels
    except ImportError as e:
        print("%s (Python %s)" % (e, sys.executable), file=sys.stderr)
        return 1
    print("statsmodels", statsmodels.__version__, "python", sys.version.split()[0])
    return 0


def nesting_top(codes):
    """The index of a factor within which every other factor nests, or None."""
    if len(codes) == 1:
        return 0
    for k, top in enumerate(codes):
        if all(
            len(set(zip(other, top))) == len(set(other))
            for j, other in enumerate(codes)
            if j != k
        ):
            return k
    return None


def model_of(req):
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    columns = {"y": np.asarray(req["y"], dtype=float)}
    for x in req["fixed"]:
        columns[x["name"]] = np.asarray(x["values"], dtype=float)
    factors = req["random"]
    codes = [list(f["codes"]) for f in factors]
    for f in factors:
        columns[f["name"]] = np.asarray(f["codes"], dtype=int)
    data = pd.DataFrame(columns)
    formula = " + ".join(["y ~ 0"] + [x["name"] for x in req["fixed"]])
    top = nesting_top(codes)
    if top is not None:
        rest = [f["name"] for j, f in enumerate(factors) if j != top]
        vc = {name: "0 + C(%s)" % name for name in rest} or None
        model = sm.MixedLM.from_formula(
            formula, groups=factors[top]["name"], re_formula="1", vc_formula=vc, data=data
        )
        return model, factors[top]["name"]
    vc = {f["name"]: "0 + C(%s)" % f["name"] for f in factors}
    groups = np.ones(len(data))
    return sm.MixedLM.from_formula(formula, groups=groups, vc_formula=vc, data=data), None


def fit_request(req):
    model, top = model_of(req)
    settings = req.get("settings") or {}
    options = {k: settings[k] for k in ("method", "maxiter") if k in settings}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(reml=req["criterion"] == "REML", **options)
    scale = float(result.scale)
    variances = {"Residual": scale}
    if top is not None:
        variances[top] = float(result.cov_re.iloc[0, 0])
    for name, value in zip(model.exog_vc.names, result.vcomp):
        variances[name] = float(value)
    fixed = {
        name: {"estimate": float(result.fe_params[name]), "se": float(result.bse_fe[name])}
        for name in result.fe_params.index
    }
    messages = []
    for w in caught:
        text = "%s: %s" % (w.category.__name__, w.message)
        if text not in messages:
            messages.append(text)
    singular = any(v < 1e-8 * scale for k, v in variances.items() if k != "Residual")
    return {
        "ok": True,
        "variances": variances,
        "fixed": fixed,
        "converged": bool(result.converged),
        "singular": bool(singular),
        "messages": messages,
    }


def finite_or_none(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def clean(value):
    """NaN and infinities as null: JSON has neither."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return finite_or_none(value)


def answer(line):
    try:
        req = json.loads(line)
    except ValueError as e:
        return {"id": None, "ok": False, "error": "the request is not JSON: %s" % e}
    try:
        reply = fit_request(req)
    except Exception as e:  # one request's error is its reply, not the adapter's end
        reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    return dict({"id": req.get("id") if isinstance(req, dict) else None}, **clean(reply))


def serve():
    # Replies go to the original stdout; anything else printed goes to stderr.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Ctrl-C reaches the whole process group: the adapter follows its stdin instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import statsmodels.api  # noqa: F401  (load once, before the first request)

    lines = queue.Queue()

    def read():
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)  # end of stdin: answer what was read, then end
        wait_for_reader_gone(replies.fileno())
        os._exit(0)  # nobody reads the replies (the worker is gone): end now, even during a fit

    threading.Thread(target=read, daemon=True).start()
    while True:
        line = lines.get()
        if line is None:
            replies.flush()
            os._exit(0)
        if line.strip() == "":
            continue
        replies.write(json.dumps(answer(line), allow_nan=False) + "\n")
        replies.flush()


def wait_for_reader_gone(fd):
    """Returns once the reading end of pipe `fd` has closed (never where poll is missing)."""
    import select

    if not hasattr(select, "poll"):
        threading.Event().wait()
    poller = select.poll()
    poller.register(fd, select.POLLERR | select.POLLHUP)
    while True:
        for _, events in poller.poll(200):
            if events & (select.POLLERR | select.POLLHUP):
                return


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    serve()
