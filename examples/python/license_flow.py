#!/usr/bin/env python3
"""What a Python application does with licet through the C ABI (ctypes, no build step), from
first launch to deactivation, and what it tells the user at each step (docs/INTEGRATION.md,
"The license lifecycle"):

  license_flow.py PUBLIC_KEY PRODUCT STATE_DIR launch [SERVER_URL LICENSE_KEY]
  license_flow.py PUBLIC_KEY PRODUCT STATE_DIR deactivate SERVER_URL
  license_flow.py PUBLIC_KEY PRODUCT STATE_DIR install|check FILE

launch: every launch checks the stored license, offline; the first one (nothing stored)
activates with the license key the user typed. liblicet.so is found through $LICET_LIBRARY,
else the system library path. Exit: 0 licensed or done, 1 usage, 2 not valid, 3 not
activated, 4 not deactivated.
"""
import ctypes
import ctypes.util
import datetime
import os
import sys

APP_RELEASE_DATE = 1767225600  # this build's release: 2026-01-01T00:00:00Z
RENEW_URL = "https://shop.example.com/renew"

# Values of licet.h that the flow branches on.
LICET_OK = 0
LICET_STALE_REVOCATIONS = 11
LICET_NOT_ACTIVATED = 14
LICET_SYNC_UPDATED, LICET_SYNC_UNCHANGED = 0, 1


class LicetConfig(ctypes.Structure):
    """licet_config, member by member in the order of licet.h."""
    _fields_ = [
        ("public_keys", ctypes.POINTER(ctypes.c_char_p)),
        ("public_key_count", ctypes.c_size_t),
        ("product", ctypes.c_char_p),
        ("app_id", ctypes.c_char_p),
        ("release_date", ctypes.c_int64),
        ("tolerance_seconds", ctypes.c_int64),
        ("state_dir", ctypes.c_char_p),
        ("recheck_cache", ctypes.c_int),
        ("revocations_file", ctypes.c_char_p),
        ("sync_url", ctypes.c_char_p),
        ("network_timeout_ms", ctypes.c_int64),
        ("allow_device_id_override", ctypes.c_int),
    ]


def load_licet():
    path = os.environ.get("LICET_LIBRARY") or ctypes.util.find_library("licet")
    if not path:
        sys.exit("liblicet not found: set LICET_LIBRARY to the path of liblicet.so")
    lib = ctypes.CDLL(path)
    p = ctypes.c_void_p
    s = ctypes.c_char_p
    sigs = {
        "licet_config_init": (None, [ctypes.POINTER(LicetConfig)]),
        "licet_verifier_new": (ctypes.c_int, [ctypes.POINTER(LicetConfig), ctypes.POINTER(p)]),
        "licet_verifier_free": (None, [p]),
        "licet_verify_file": (ctypes.c_int, [p, s, s, ctypes.POINTER(p)]),
        "licet_verify_stored": (ctypes.c_int, [p, s, ctypes.POINTER(p)]),
        "licet_store": (ctypes.c_int, [p, s, ctypes.c_size_t, s, ctypes.POINTER(p)]),
        "licet_result_free": (None, [p]),
        "licet_result_message": (s, [p]),
        "licet_result_customer": (s, [p]),
        "licet_result_license_key": (s, [p]),
        "licet_result_has_expires_at": (ctypes.c_int, [p]),
        "licet_result_expires_at": (ctypes.c_int64, [p]),
        "licet_result_feature_count": (ctypes.c_size_t, [p]),
        "licet_result_feature_at": (s, [p, ctypes.c_size_t]),
        "licet_error_string": (s, [ctypes.c_int]),
        "licet_last_error": (s, []),
        # NULL options = the defaults (this machine's device ID, 10 s / 30 s timeouts).
        "licet_activate": (ctypes.c_int, [p, s, s, p, ctypes.POINTER(p)]),
        "licet_deactivate": (ctypes.c_int, [p, s, p, ctypes.POINTER(p)]),
        "licet_sync": (ctypes.c_int, [p, ctypes.POINTER(p)]),
        "licet_online_free": (None, [p]),
        "licet_online_message": (s, [p]),
        "licet_online_retry_after": (ctypes.c_int64, [p]),
        "licet_activation_string": (s, [ctypes.c_int]),
        "licet_deactivation_string": (s, [ctypes.c_int]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


# One sentence per error code: what the user can do about it.
ADVICE = {
    "malformed": "This is not a license file. Paste the whole file you received, "
                 "including the BEGIN and END lines.",
    "bad_signature": "This license file was altered or damaged. Use the original file "
                     "from your purchase e-mail.",
    "unknown_key": "This license was not issued for this version of the app. Update the app "
                   "or contact support.",
    "wrong_product": "This license is for a different product.",
    "not_yet_valid": "Your license is not active yet ({message}).",
    "expired": "Your license has expired ({message}). Renew it at " + RENEW_URL + ".",
    "maintenance_expired": "Your maintenance ended before this version was released. Keep "
                           "using an earlier version, or renew maintenance at " + RENEW_URL + ".",
    "device_not_bound": "This license is registered to another computer. Move it to this one "
                        "from your account page, or contact support.",
    "revoked": "This license has been revoked. Please contact support.",
    "superseded": "This license file was replaced by a newer one. Download the latest file "
                  "from your account page.",
    "stale_revocations": "Connect to the internet once so the app can confirm your license.",
    "clock_tampered": "Your computer's clock looks wrong. Correct the date and time, then restart.",
    "io_error": "The license could not be read ({message}).",
    "not_activated": "This copy is not activated yet. Enter your license key to activate it.",
    "lease_expired": "Your license lease ran out. Connect to the internet to renew it.",
}

UNREACHABLE = ("The activation server cannot be reached. Check the internet connection and "
               "try again, or activate offline.")
ACTIVATION_ADVICE = {
    "activated": "This computer is now activated.",
    "already_active": "This computer was already activated; its license is restored.",
    "seats_full": "All seats of this license are in use. Deactivate it on another computer first.",
    "wrong_product": "This license key is for a different product.",
    "revoked": "This license has been revoked. Please contact support.",
    "expired": "This license has expired. Renew it at " + RENEW_URL + ".",
    "unknown_license": "This license key is not known. Check it for a typo.",
    "bad_request": "The license key was refused ({message}).",
    "rate_limited": "Too many attempts. Try again in {retry_after} seconds.",
    "network_error": UNREACHABLE,
    "timeout": UNREACHABLE,
    "tls_error": "The secure connection to the activation server failed. Check the computer's "
                 "date and time, or ask your IT whether a proxy intercepts HTTPS.",
    "server_error": "The activation server had a problem. Try again later.",
    "invalid_license": "The activation server sent a license this version cannot use ({message}).",
    "unavailable": "Online activation is not available on this computer ({message}). "
                   "Activate offline.",
    "device_key_mismatch": "This computer is already activated from another installation. "
                           "Deactivate it there, or contact support.",
    "not_activatable": "This license is registered to specific computers. Contact support to "
                       "add this one.",
    "io_error": "The license could not be saved ({message}).",
}

STAYS = "The activation server cannot be reached. The license stays active here; try again later."
DEACTIVATION_ADVICE = {
    "deactivated": "This computer is deactivated; the seat is free for another computer.",
    "not_activated": "This computer is not activated.",
    "not_active": "This computer no longer held a seat; it is deactivated.",
    "no_device_key": "This computer was registered by the vendor. Contact support to move the "
                     "license.",
    "transfer_cap": "This license was moved too often recently. It stays active on this "
                    "computer; contact support to move it.",
    "invalid_token": "The activation server did not accept this computer's request ({message}). "
                     "Check the date and time.",
    "unknown_license": "The activation server does not know this license. Contact support.",
    "rate_limited": STAYS, "network_error": STAYS, "timeout": STAYS, "tls_error": STAYS,
    "server_error": STAYS, "unavailable": STAYS,
    "bad_request": "Deactivation failed ({message}).",
    "io_error": "Deactivation failed ({message}).",
}


class App:
    def __init__(self, lib, verifier):
        self.lib, self.verifier = lib, verifier

    def report(self, code, result):
        """Shows a check's outcome; returns the exit code."""
        lib = self.lib
        if code != LICET_OK:
            name = lib.licet_error_string(code).decode()
            message = (lib.licet_result_message(result) or b"").decode()
            print(f"[{name}] " + ADVICE.get(name, "{message}").format(message=message))
            return 3 if code == LICET_NOT_ACTIVATED else 2
        print(f"[ok] Licensed to {lib.licet_result_customer(result).decode()} "
              f"(license {lib.licet_result_license_key(result).decode()}).")
        if lib.licet_result_has_expires_at(result):
            until = datetime.datetime.fromtimestamp(lib.licet_result_expires_at(result),
                                                    datetime.timezone.utc)
            print(f"Valid until {until:%Y-%m-%d}.")
        else:
            print("Perpetual license.")
        for i in range(lib.licet_result_feature_count(result)):
            print("Feature enabled: " + lib.licet_result_feature_at(result, i).decode())
        return 0

    def check_stored(self):
        """Every launch: the stored license, offline; one sync if the license wants a fresh
        revocation feed (the only time the app goes online by itself)."""
        lib, result = self.lib, ctypes.c_void_p()
        code = lib.licet_verify_stored(self.verifier, None, ctypes.byref(result))
        if code == LICET_STALE_REVOCATIONS and \
                lib.licet_sync(self.verifier, None) in (LICET_SYNC_UPDATED, LICET_SYNC_UNCHANGED):
            lib.licet_result_free(result)
            code = lib.licet_verify_stored(self.verifier, None, ctypes.byref(result))
        return code, result

    def checked(self, code, result):
        try:
            return self.report(code, result)
        finally:
            self.lib.licet_result_free(result)

    def launch(self, server_url=None, license_key=None):
        lib = self.lib
        code, result = self.check_stored()
        if code != LICET_NOT_ACTIVATED or server_url is None:
            return self.checked(code, result)
        lib.licet_result_free(result)
        # First launch: the activation screen, where the user typed license_key.
        answer = ctypes.c_void_p()
        status = lib.licet_activate(self.verifier, server_url.encode(), license_key.encode(),
                                    None, ctypes.byref(answer))
        name = lib.licet_activation_string(status).decode()
        print(f"[{name}] " + ACTIVATION_ADVICE.get(name, "{message}").format(
            message=lib.licet_online_message(answer).decode(),
            retry_after=lib.licet_online_retry_after(answer)))
        lib.licet_online_free(answer)
        if name not in ("activated", "already_active"):
            return 3
        return self.checked(*self.check_stored())

    def deactivate(self, server_url):
        lib, answer = self.lib, ctypes.c_void_p()
        status = lib.licet_deactivate(self.verifier, server_url.encode(), None, ctypes.byref(answer))
        name = lib.licet_deactivation_string(status).decode()
        print(f"[{name}] " + DEACTIVATION_ADVICE.get(name, "{message}").format(
            message=lib.licet_online_message(answer).decode()))
        lib.licet_online_free(answer)
        return 0 if name in ("deactivated", "not_active") else 4

    def install(self, path):
        try:
            with open(path, "rb") as f:
                text = f.read()
        except OSError:
            print(f"[io_error] The license file could not be opened ({path}).")
            return 2
        result = ctypes.c_void_p()
        code = self.lib.licet_store(self.verifier, text, len(text), None, ctypes.byref(result))
        return self.checked(code, result)

    def check(self, path):
        result = ctypes.c_void_p()
        code = self.lib.licet_verify_file(self.verifier, path.encode(), None, ctypes.byref(result))
        return self.checked(code, result)


def main(argv):
    command = argv[4] if len(argv) > 4 else ""
    if len(argv) < 5 or (command == "launch" and len(argv) not in (5, 7)) or \
            (command != "launch" and len(argv) != 6):
        print(f"usage: {argv[0]} PUBLIC_KEY PRODUCT STATE_DIR launch [SERVER_URL LICENSE_KEY]\n"
              f"       {argv[0]} PUBLIC_KEY PRODUCT STATE_DIR deactivate SERVER_URL\n"
              f"       {argv[0]} PUBLIC_KEY PRODUCT STATE_DIR install|check FILE", file=sys.stderr)
        return 1
    lib = load_licet()
    keys = (ctypes.c_char_p * 1)(argv[1].encode())
    config = LicetConfig()
    lib.licet_config_init(ctypes.byref(config))
    config.public_keys = keys
    config.public_key_count = 1
    config.product = argv[2].encode()
    config.state_dir = argv[3].encode()
    config.release_date = APP_RELEASE_DATE
    # Containers and CI runners have no stable hardware IDs: there the operator sets
    # LICET_DEVICE_ID on purpose, and the app opts in. A desktop app leaves this off (anyone
    # could copy a node-locked file and set the variable to an ID printed in it).
    config.allow_device_id_override = 1 if os.environ.get("APP_RUNS_IN_CONTAINER") else 0

    verifier = ctypes.c_void_p()
    if lib.licet_verifier_new(ctypes.byref(config), ctypes.byref(verifier)) != LICET_OK:
        print("cannot set up the license check: " + lib.licet_last_error().decode(), file=sys.stderr)
        return 1
    try:
        app = App(lib, verifier)
        if command == "launch":
            return app.launch(*argv[5:7]) if len(argv) == 7 else app.launch()
        if command == "deactivate":
            return app.deactivate(argv[5])
        if command == "install":
            return app.install(argv[5])
        if command == "check":
            return app.check(argv[5])
        print(f"unknown command '{command}'", file=sys.stderr)
        return 1
    finally:
        lib.licet_verifier_free(verifier)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
