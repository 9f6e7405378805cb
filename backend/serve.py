"""Run apiless's local AWS backend: ministack 1.5.33 in-process, patched, seeded, on 127.0.0.1.

    python backend/serve.py            (from any directory)

Environment:
  APILESS_BACKEND_PORT      port on 127.0.0.1 (default 4566); exit 2 if it is taken
  APILESS_LOCAL_JSON        where to write the seeded config (default <repo>/.apiless/local.json)
  APILESS_BACKEND_UNPATCHED comma-separated patch names to leave out ("all" for every one), only to
                            show what stock ministack gets wrong: policy-variables, leading-keys,
                            iam-wildcards, signature-errors, identity-pool, dynamodb-denial-status, profile, mfa,
                            devices, rotation, cors, user-auth, oauth
  APILESS_TRACK_DEVICES     "true" (default) or "false": whether the main user pool tracks devices, as
                            infra/apiless.yaml's TrackDevices parameter (make bench sets "false")

Prints one line when ready: "apiless backend ready: http://127.0.0.1:PORT (config in PATH)".
Stops on SIGINT or SIGTERM with exit 0, removing its temporary state directory.
"""

import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
MINISTACK_VERSION = "1.5.33"


def main():
    # Stop cleanly on either signal from the first instruction on, even when started from a
    # non-interactive shell with `&`, which starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    unpatched = _unpatched()
    config_path = Path(os.environ.get("APILESS_LOCAL_JSON") or REPO_ROOT / ".apiless" / "local.json").resolve()
    port = _port()
    workdir = tempfile.mkdtemp(prefix="apiless-backend-")
    state = _State()
    try:
        config_path.unlink(missing_ok=True)  # never leave a previous run's ids for a poller to find
        _configure_ministack(port, workdir)
        import ministack.app
        import extension
        import fast_pow
        import middleware

        import cognito_oauth
        import upstream_oidc

        _check_version()
        state.google = upstream_oidc.UpstreamProvider(f"http://127.0.0.1:{port}")
        cognito_oauth.ISSUERS["Google"] = state.google.issuer
        extension.install(disabled=unpatched & set(extension.PATCHES))
        fast_pow.install()
        state.middleware = middleware.ApilessMiddleware(
            extension.require(ministack.app, "app"), lambda: state.config, cors="cors" not in unpatched,
            fixtures=lambda: state.fixtures, secrets_log=os.environ.get("APILESS_SECRETS_LOG") or None,
            s3_exposed=extension.s3_cors_exposed(), upstream=state.google)
        ministack.app.app = state.middleware  # main() serves the module global `app`
        run = extension.require(ministack.app, "main")
        threading.Thread(target=_seed_when_listening, args=(port, config_path, state), daemon=True).start()
        sys.argv = sys.argv[:1]  # main() parses argv; it must see no options
        run()  # blocks; hypercorn stops gracefully on SIGINT/SIGTERM
    except KeyboardInterrupt:  # SIGINT before hypercorn took over the signals
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if state.failed else 0


@dataclass
class _State:
    """What the seeding thread shares with the server."""
    config: dict | None = None
    fixtures: object = None
    middleware: object = None
    google: object = None
    failed: bool = False


def _port():
    raw = os.environ.get("APILESS_BACKEND_PORT", "4566")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        _die(f"APILESS_BACKEND_PORT must be a TCP port number, got {raw!r}")
    port = int(raw)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as hypercorn binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            _die(f"port {port} on 127.0.0.1 is already in use; set APILESS_BACKEND_PORT")
    return port


def _unpatched():
    names = {n.strip() for n in os.environ.get("APILESS_BACKEND_UNPATCHED", "").split(",") if n.strip()}
    known = {"policy-variables", "leading-keys", "iam-wildcards", "signature-errors", "identity-pool",
             "dynamodb-denial-status", "profile", "mfa", "devices", "rotation", "cors", "user-auth", "oauth",
             "webauthn", "full-object-checksums"}
    if "all" in names:
        return known
    if names - known:
        _die(f"APILESS_BACKEND_UNPATCHED names unknown patches {sorted(names - known)}; known: {sorted(known)}")
    if names:
        print(f"apiless backend: WARNING: running without {', '.join(sorted(names))}: NOT AWS-faithful",
              file=sys.stderr, flush=True)
    return names


def _track_devices():
    value = os.environ.get("APILESS_TRACK_DEVICES", "true")
    if value not in ("true", "false"):
        _die(f"APILESS_TRACK_DEVICES is {value!r}: true or false")
    return value == "true"


def _die(message):
    print(f"apiless backend: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def _configure_ministack(port, workdir):
    """ministack reads its settings from the environment when imported: set them all first."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)  # a developer's own AWS settings must not change the root caller
    os.environ.update({
        "AUTH": "true",
        "GATEWAY_PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MINISTACK_HOST": "127.0.0.1",
        "MINISTACK_REGION": REGION,
        "MINISTACK_ACCOUNT_ID": "000000000000",
        "AWS_ACCESS_KEY_ID": "test",  # the root caller's keys, used by the seeding
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "IOT_MTLS_ENABLED": "0",  # else an MQTT listener on 0.0.0.0:8883
        "SFTP_ENABLED": "0",
        "PERSIST_STATE": "0",
        "S3_PERSIST": "0",
        "STATE_DIR": os.path.join(workdir, "state"),
        "S3_DATA_DIR": os.path.join(workdir, "s3"),
        "DOCKER_HOST": "unix://" + os.path.join(workdir, "no-docker.sock"),  # never reap or start containers
        "LOG_LEVEL": "WARNING",
        "TMPDIR": workdir,
    })
    tempfile.tempdir = workdir  # ministack's pid file and scratch files go where we clean up


def _check_version():
    from importlib.metadata import version

    found = version("ministack")
    if found != MINISTACK_VERSION:
        print(f"apiless backend: WARNING: ministack {found} is installed, the extension was written for "
              f"{MINISTACK_VERSION}; run the self-test", file=sys.stderr, flush=True)


def _seed_when_listening(port, config_path, state):
    """Seed once the server listens, publish the config, print the ready line; on failure stop the server."""
    import json

    import fixtures
    import seed

    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not _listening(port):
        if time.monotonic() > deadline:
            return _fail(state, f"ministack did not listen on 127.0.0.1:{port} within 30 s")
        time.sleep(0.05)
    try:
        config = seed.seed(endpoint, REGION, track_devices=_track_devices(), google=state.google)
        state.fixtures = fixtures.Fixtures(endpoint, REGION, config, google=state.google)
        config_path.parent.mkdir(parents=True, exist_ok=True)
        partial = config_path.with_name(config_path.name + ".partial")
        partial.write_text(json.dumps(config, indent=2) + "\n")
        os.replace(partial, config_path)  # a poller sees the whole file or none
    except Exception as error:
        if _listening(port):  # else a signal stopped the server mid-seeding: a clean stop, not a failure
            _fail(state, f"seeding failed: {type(error).__name__}: {error}")
        return
    state.config = config
    state.middleware.reset_calls()  # count client traffic only
    print(f"apiless backend ready: {endpoint} (config in {config_path})", flush=True)


def _fail(state, message):
    """Report and stop the server (exit 1): a half-seeded backend is useless."""
    state.failed = True
    print(f"apiless backend: {message}", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
