"""Drives the official AGB Python SDK (agbcloud-sdk) against an AGB endpoint and
prints what the SDK's own result objects say, for officialPythonSdk.test.ts.

The SDK is configured its own way: AGB_ENDPOINT and AGB_API_KEY from the
environment. Every call below is a public SDK method, so each request goes out
as the SDK builds it.

Protocol on stdout, one JSON object a line:
  {"event": "sleep", "seconds": S}   the SDK wants to sleep; the test advances the
                                     emulator's clock by S and answers a line on stdin
  {"event": "done", "results": {...}}
The SDK's own logs go to stderr.
"""

import json
import sys
import time

RUN = sys.argv[1] if len(sys.argv) > 1 else "conformance"
# "all" runs every step below; "release" only creates one session and releases it.
MODE = sys.argv[2] if len(sys.argv) > 2 else "all"
IMAGE = "agb-code-space-1"

sleeps = []


def injected_sleep(seconds):
    """The SDK's release poll sleeps between status calls; the test owns the clock."""
    sleeps.append(seconds)
    print(json.dumps({"event": "sleep", "seconds": seconds}), flush=True)
    if sys.stdin.readline() == "":
        raise SystemExit("the test closed stdin while the SDK slept")


# session.delete() does `import time; time.sleep(...)`, so the module attribute is what it calls.
time.sleep = injected_sleep

from agb import AGB  # noqa: E402  (after the clock is in place)
from agb.session import Session  # noqa: E402
from agb.session_params import CreateSessionParams  # noqa: E402


def session_result(result):
    session = result.session
    return {
        "success": result.success,
        "request_id": result.request_id,
        "error_message": result.error_message,
        "session_id": session.session_id if session else None,
        "resource_url": getattr(session, "resource_url", None) if session else None,
    }


def operation_result(result):
    return {
        "success": result.success,
        "request_id": result.request_id,
        "error_message": result.error_message,
        "data": result.data,
    }


def list_result(result):
    return {
        "success": result.success,
        "request_id": result.request_id,
        "error_message": result.error_message,
        "session_ids": list(result.session_ids),
        "next_token": result.next_token,
        "max_results": result.max_results,
        "total_count": result.total_count,
    }


def get_session_result(result):
    data = result.data
    return {
        "success": result.success,
        "request_id": result.request_id,
        "http_status_code": result.http_status_code,
        "code": result.code,
        "error_message": result.error_message,
        "session_id": data.session_id if data else None,
        "status": data.status if data else None,
    }


def delete_result(result, sleeps_before):
    return {
        "success": result.success,
        "request_id": result.request_id,
        "error_message": result.error_message,
        "sleeps": sleeps[sleeps_before:],
    }


def release_only(agb):
    created = agb.create(CreateSessionParams(image_id=IMAGE, labels={"suite": RUN}))
    results = {"create": session_result(created)}
    if created.success:
        results["delete"] = delete_result(created.session.delete(), 0)
    return results


def main():
    agb = AGB()
    if MODE == "release":
        return release_only(agb)
    results = {"endpoint": agb.endpoint}

    teams = ["a", "a", "a", "b", "b"]
    created = [
        agb.create(CreateSessionParams(image_id=IMAGE, labels={"suite": RUN, "team": team}, idle_release_timeout=600))
        for team in teams
    ]
    results["create"] = [session_result(r) for r in created]
    sessions = [r.session for r in created if r.success]
    if len(sessions) != len(teams):
        return results
    first = sessions[0]

    results["get_labels_after_create"] = operation_result(first.get_labels())
    results["set_labels"] = operation_result(first.set_labels({"suite": RUN, "team": "a", "env": "prod"}))
    results["get_labels_after_set"] = operation_result(first.get_labels())
    # A key left out of a later set is gone (python/tests/integration label test): set replaces.
    results["set_labels_smaller"] = operation_result(first.set_labels({"suite": RUN, "env": "prod"}))
    results["get_labels_after_smaller_set"] = operation_result(first.get_labels())
    results["set_labels_empty"] = operation_result(first.set_labels({}))

    results["get_session"] = get_session_result(agb.get_session(first.session_id))

    suite = {"suite": RUN}
    results["list_suite_page1"] = list_result(agb.list(labels=suite, limit=2))
    results["list_suite_page2"] = list_result(agb.list(labels=suite, page=2, limit=2))
    results["list_suite_page3"] = list_result(agb.list(labels=suite, page=3, limit=2))
    results["list_suite_page4"] = list_result(agb.list(labels=suite, page=4, limit=2))
    results["list_team_b"] = list_result(agb.list(labels={"suite": RUN, "team": "b"}))
    results["list_env_prod"] = list_result(agb.list(labels={"suite": RUN, "env": "prod"}))
    results["list_nothing"] = list_result(agb.list(labels={"suite": RUN, "team": "nobody"}))

    before = len(sleeps)
    results["delete"] = delete_result(agb.delete(first), before)
    results["get_session_after_delete"] = get_session_result(agb.get_session(first.session_id))
    results["status_after_delete"] = {
        "success": (status := first.get_status()).success,
        "status": status.status,
        "code": status.code,
        "http_status_code": status.http_status_code,
    }
    results["list_suite_after_delete"] = list_result(agb.list(labels=suite, limit=10))

    before = len(sleeps)
    results["delete_unknown"] = delete_result(Session(agb, "s-never-created").delete(), before)

    for session in sessions[1:]:
        before = len(sleeps)
        results.setdefault("delete_rest", []).append(delete_result(session.delete(), before))
    return results


if __name__ == "__main__":
    print(json.dumps({"event": "done", "results": main()}), flush=True)
