#!/usr/bin/env python3
"""What a Python application does with licet, through the C ABI (ctypes, no build step).

Usage: check_license.py PUBLIC_KEY PRODUCT LICENSE_FILE
liblicet.so is found through $LICET_LIBRARY, else the system library path.
"""
import ctypes
import ctypes.util
import datetime
import os
import sys

APP_RELEASE_DATE = 1767225600  # this build's release: 2026-01-01T00:00:00Z
RENEW_URL = "https://shop.example.com/renew"

# licet_error values (licet.h); the names come from licet_error_string.
LICET_OK = 0


class LicetConfig(ctypes.Structure):
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
        ("allow_device_id_override", ctypes.c_int),
    ]


def load_licet():
    path = os.environ.get("LICET_LIBRARY") or ctypes.util.find_library("licet")
    if not path:
        sys.exit("liblicet not found: set LICET_LIBRARY to the path of liblicet.so")
    lib = ctypes.CDLL(path)
    p = ctypes.c_void_p
    sigs = {
        "licet_config_init": (None, [ctypes.POINTER(LicetConfig)]),
        "licet_verifier_new": (ctypes.c_int, [ctypes.POINTER(LicetConfig), ctypes.POINTER(p)]),
        "licet_verifier_free": (None, [p]),
        "licet_verify_file": (ctypes.c_int, [p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(p)]),
        "licet_result_free": (None, [p]),
        "licet_result_message": (ctypes.c_char_p, [p]),
        "licet_result_customer": (ctypes.c_char_p, [p]),
        "licet_result_license_key": (ctypes.c_char_p, [p]),
        "licet_result_has_expires_at": (ctypes.c_int, [p]),
        "licet_result_expires_at": (ctypes.c_int64, [p]),
        "licet_result_feature_count": (ctypes.c_size_t, [p]),
        "licet_result_feature_at": (ctypes.c_char_p, [p, ctypes.c_size_t]),
        "licet_error_string": (ctypes.c_char_p, [ctypes.c_int]),
        "licet_last_error": (ctypes.c_char_p, []),
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
}


def main(argv):
    if len(argv) != 4:
        print(f"usage: {argv[0]} PUBLIC_KEY PRODUCT LICENSE_FILE", file=sys.stderr)
        return 1
    lib = load_licet()
    keys = (ctypes.c_char_p * 1)(argv[1].encode())
    config = LicetConfig()
    lib.licet_config_init(ctypes.byref(config))
    config.public_keys = keys
    config.public_key_count = 1
    config.product = argv[2].encode()
    config.release_date = APP_RELEASE_DATE

    verifier = ctypes.c_void_p()
    if lib.licet_verifier_new(ctypes.byref(config), ctypes.byref(verifier)) != LICET_OK:
        print("cannot set up the license check: " + lib.licet_last_error().decode(), file=sys.stderr)
        return 1
    result = ctypes.c_void_p()
    try:
        code = lib.licet_verify_file(verifier, argv[3].encode(), None, ctypes.byref(result))
        if code != LICET_OK:
            name = lib.licet_error_string(code).decode()
            message = (lib.licet_result_message(result) or b"").decode()
            print(f"[{name}] " + ADVICE.get(name, "{message}").format(message=message))
            return 2
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
    finally:
        lib.licet_result_free(result)
        lib.licet_verifier_free(verifier)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
