/* licet — the C ABI of the license verifier (C99).
 *
 * Conventions, as in libsodium: every name starts with licet_, sizes are explicit, functions
 * return a licet_error (0 = LICET_OK) or 0/-1, and nothing ever aborts or throws across this
 * boundary. Strings are NUL-terminated UTF-8; every string returned by a result accessor lives
 * as long as the result (until licet_result_free).
 *
 * Thread safety: one licet_verifier may be used by several threads at once. A licet_result
 * belongs to the caller; do not share it across threads while it is being freed.
 */
#ifndef LICET_LICET_H
#define LICET_LICET_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(LICET_BUILDING_SHARED)
#define LICET_API __declspec(dllexport)
#elif defined(LICET_USING_SHARED)
#define LICET_API __declspec(dllimport)
#else
#define LICET_API
#endif
#elif defined(__GNUC__)
#define LICET_API __attribute__((visibility("default")))
#else
#define LICET_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The fixed error set of DESIGN.md, with the same values as licet::ErrorCode. */
typedef enum licet_error {
  LICET_OK = 0,
  LICET_MALFORMED = 1,
  LICET_BAD_SIGNATURE = 2,
  LICET_UNKNOWN_KEY = 3,
  LICET_WRONG_PRODUCT = 4,
  LICET_NOT_YET_VALID = 5,
  LICET_EXPIRED = 6,
  LICET_MAINTENANCE_EXPIRED = 7,
  LICET_DEVICE_NOT_BOUND = 8,
  LICET_REVOKED = 9,
  LICET_SUPERSEDED = 10,
  LICET_STALE_REVOCATIONS = 11,
  LICET_CLOCK_TAMPERED = 12,
  LICET_IO_ERROR = 13,
  LICET_NOT_ACTIVATED = 14, /* the local store holds no license: show the activation screen */
  LICET_LEASE_EXPIRED = 15  /* a floating lease ran out: renew it or check out again */
} licet_error;

/* Largest device ID licet_device_id writes, including the terminating NUL. */
#define LICET_DEVICE_ID_MAX 257

typedef struct licet_verifier licet_verifier;
typedef struct licet_result licet_result;

typedef struct licet_config {
  const char* const* public_keys; /* "k4.public.…" strings; several during a key rotation */
  size_t public_key_count;
  const char* product;          /* required: the license's aud must equal it */
  const char* app_id;           /* keys the device ID; NULL or "" = product */
  int64_t release_date;         /* this build's release time (Unix seconds); 0 = none */
  int64_t tolerance_seconds;    /* clock skew allowed; licet_config_init sets 300 */
  const char* state_dir;        /* license store + clock guard + feed cache; NULL = none */
  int recheck_cache;            /* non-zero: answer a repeated identical check from cache */
  const char* revocations_file; /* NULL = none */
  const char* sync_url;         /* NULL = the license's own sync.url, if any */
  /* The longest a check waits on the network (only a license with sync.max_age 0 makes a check
   * go online) and the limit of licet_sync; licet_config_init sets 10000; 0 = 10000. */
  int64_t network_timeout_ms;
  /* Non-zero: LICET_DEVICE_ID in the environment replaces this machine's device ID. Keep it 0
   * unless the app runs where its operator sets the variable on purpose (containers, CI): with
   * it, anyone can copy a node-locked file and set the variable to the ID printed in it.
   * licet_config_init sets 0. (Appended last: the fields above keep their offsets.) */
  int allow_device_id_override;
} licet_config;

/* Fills *config with the defaults: everything empty, tolerance 300 s, recheck_cache on,
 * network_timeout_ms 10000. */
LICET_API void licet_config_init(licet_config* config);

/* Creates a verifier. On failure *out is NULL, the code is returned (LICET_MALFORMED for a bad
 * key or an empty product) and licet_last_error() tells why. */
LICET_API licet_error licet_verifier_new(const licet_config* config, licet_verifier** out);
LICET_API void licet_verifier_free(licet_verifier* verifier); /* NULL is fine */

/* Checks a license file's text (armored or a bare token) of len bytes. device_id NULL = this
 * machine's ID for app_id (or LICET_DEVICE_ID, with allow_device_id_override). The code is
 * returned; when out is not NULL, *out receives a result the caller frees with
 * licet_result_free (on any code, so its message can be shown). */
LICET_API licet_error licet_verify(const licet_verifier* verifier, const char* text, size_t len,
                                   const char* device_id, licet_result** out);
/* licet_verify_file reads a regular file only (a FIFO, device or directory is LICET_IO_ERROR,
 * without blocking); a file over 2 MiB is LICET_MALFORMED. */
LICET_API licet_error licet_verify_file(const licet_verifier* verifier, const char* path,
                                        const char* device_id, licet_result** out);

/* The local license store in state_dir: licet_store verifies and saves only a valid license
 * (atomically); licet_verify_stored checks the stored one (offline, at each launch). */
LICET_API licet_error licet_store(const licet_verifier* verifier, const char* text, size_t len,
                                  const char* device_id, licet_result** out);
LICET_API licet_error licet_verify_stored(const licet_verifier* verifier, const char* device_id,
                                          licet_result** out);
LICET_API licet_error licet_clear_stored(const licet_verifier* verifier);

/* ---- The license lifecycle on the vendor's activation server (`licet serve`) --------------
 * docs/INTEGRATION.md, "The license lifecycle". Each call returns its status and, when out is
 * not NULL, *out receives a licet_online the caller frees with licet_online_free (on any
 * status, so its message can be shown). Nothing is stored unless it verifies here. */

/* licet_activate: the values mirror licet::ActivationStatus. */
typedef enum licet_activation {
  LICET_ACTIVATION_ACTIVATED = 0,      /* a seat was taken for this device; the license is stored */
  LICET_ACTIVATION_ALREADY_ACTIVE = 1, /* this device held a seat; the current license is stored */
  LICET_ACTIVATION_SEATS_FULL = 2,     /* every seat is taken: deactivate another device first */
  LICET_ACTIVATION_REVOKED = 3,
  LICET_ACTIVATION_EXPIRED = 4,
  LICET_ACTIVATION_UNKNOWN_LICENSE = 5, /* no license with this key */
  LICET_ACTIVATION_RATE_LIMITED = 6,    /* try again after licet_online_retry_after seconds */
  LICET_ACTIVATION_BAD_REQUEST = 7,     /* refused as malformed, or unusable arguments */
  LICET_ACTIVATION_NETWORK_ERROR = 8,   /* no connection: refused, unreachable, DNS */
  LICET_ACTIVATION_TIMEOUT = 9,
  LICET_ACTIVATION_TLS_ERROR = 10,
  LICET_ACTIVATION_SERVER_ERROR = 11,    /* an answer that is none of these (5xx, not JSON) */
  LICET_ACTIVATION_INVALID_LICENSE = 12, /* the returned license does not verify here */
  LICET_ACTIVATION_UNAVAILABLE = 13,     /* libcurl is not installed, or no network code built */
  LICET_ACTIVATION_WRONG_PRODUCT = 14,   /* the license is for another product; no seat taken */
  LICET_ACTIVATION_DEVICE_KEY_MISMATCH = 15, /* this device ID is bound with another device key */
  LICET_ACTIVATION_NOT_ACTIVATABLE = 16,     /* the license takes no new devices (node-locked) */
  LICET_ACTIVATION_IO_ERROR = 17 /* the device key or license cannot be kept in state_dir */
} licet_activation;

/* licet_deactivate: the values mirror licet::DeactivationStatus. */
typedef enum licet_deactivation {
  LICET_DEACTIVATION_DEACTIVATED = 0,   /* the seat is free; the stored license is cleared */
  LICET_DEACTIVATION_NOT_ACTIVATED = 1, /* no license is stored here */
  LICET_DEACTIVATION_NO_DEVICE_KEY = 2, /* bound by the vendor: support removes this device */
  LICET_DEACTIVATION_NOT_ACTIVE = 3,    /* the server holds no seat for it; store cleared */
  LICET_DEACTIVATION_TRANSFER_CAP = 4,  /* transfer cap reached: seat NOT freed, license kept */
  LICET_DEACTIVATION_INVALID_TOKEN = 5, /* the device's signed request was refused */
  LICET_DEACTIVATION_UNKNOWN_LICENSE = 6,
  LICET_DEACTIVATION_RATE_LIMITED = 7,
  LICET_DEACTIVATION_BAD_REQUEST = 8,
  LICET_DEACTIVATION_NETWORK_ERROR = 9,
  LICET_DEACTIVATION_TIMEOUT = 10,
  LICET_DEACTIVATION_TLS_ERROR = 11,
  LICET_DEACTIVATION_SERVER_ERROR = 12,
  LICET_DEACTIVATION_UNAVAILABLE = 13,
  LICET_DEACTIVATION_IO_ERROR =
      14 /* state_dir unreadable, or not cleared after the seat was freed */
} licet_deactivation;

/* licet_sync: the values mirror licet::SyncStatus. */
typedef enum licet_sync_status {
  LICET_SYNC_UPDATED = 0,         /* a newer feed was installed */
  LICET_SYNC_UNCHANGED = 1,       /* the server confirmed the feed held: fresh again */
  LICET_SYNC_NOTHING_TO_SYNC = 2, /* no feed URL configured or named by a license */
  LICET_SYNC_REFUSED = 3,         /* a feed arrived and was refused; the one held is kept */
  LICET_SYNC_NETWORK_ERROR = 4,
  LICET_SYNC_TIMEOUT = 5,
  LICET_SYNC_TLS_ERROR = 6,
  LICET_SYNC_SERVER_ERROR = 7,
  LICET_SYNC_UNAVAILABLE = 8,
  LICET_SYNC_IO_ERROR = 9
} licet_sync_status;

typedef struct licet_online licet_online;

typedef struct licet_online_options {
  const char* device_id;      /* NULL = this machine's ID for the verifier's app_id */
  const char* device_name;    /* activation: shown to the vendor; NULL = none */
  const char* hostname;       /* activation: NULL = this machine's */
  const char* os;             /* activation: NULL = this machine's */
  const char* ca_file;        /* PEM CA bundle for https (a private CA); NULL = the system's */
  int64_t connect_timeout_ms; /* licet_online_options_init sets 10000 */
  int64_t timeout_ms;         /* the whole exchange; licet_online_options_init sets 30000 */
} licet_online_options;

/* Fills *options with the defaults. Always use it: later versions may add members. */
LICET_API void licet_online_options_init(licet_online_options* options);

/* First launch: creates this device's key in state_dir (once), asks server_url (e.g.
 * "https://licenses.example.com") for a seat for this device and the verifier's product,
 * verifies the returned license and only then stores it. options NULL = defaults. */
LICET_API licet_activation licet_activate(const licet_verifier* verifier, const char* server_url,
                                          const char* license_key,
                                          const licet_online_options* options, licet_online** out);

/* Frees this device's seat with a request signed by its device key, then clears the stored
 * license. On LICET_DEACTIVATION_TRANSFER_CAP (and every failure) everything stays as it was. */
LICET_API licet_deactivation licet_deactivate(const licet_verifier* verifier,
                                              const char* server_url,
                                              const licet_online_options* options,
                                              licet_online** out);

/* Downloads the revocation feed (sync_url, else the URL named by the license checked last or
 * stored), waiting at most network_timeout_ms. Checks never wait for it: a license whose feed
 * is older than its sync.max_age is LICET_STALE_REVOCATIONS until a sync succeeds. */
LICET_API licet_sync_status licet_sync(const licet_verifier* verifier, licet_online** out);

/* A thread that runs licet_sync now and every period_seconds (>= 1) until
 * licet_stop_background_sync or licet_verifier_free. on_failure (may be NULL) is called on that
 * thread after each failed sync, with user, the status and a one-line message valid during the
 * call. Starting again replaces the running refresher. LICET_MALFORMED for a bad period. */
typedef void (*licet_sync_callback)(void* user, licet_sync_status status, const char* message);
LICET_API licet_error licet_start_background_sync(const licet_verifier* verifier,
                                                  int64_t period_seconds,
                                                  licet_sync_callback on_failure, void* user);
LICET_API void licet_stop_background_sync(const licet_verifier* verifier);

/* The answer of licet_activate, licet_deactivate or licet_sync. */
LICET_API void licet_online_free(licet_online* online);        /* NULL is fine */
LICET_API int licet_online_status(const licet_online* online); /* the value the call returned */
/* One line, safe to log and show; "" on success. */
LICET_API const char* licet_online_message(const licet_online* online);
LICET_API int licet_online_http_status(const licet_online* online);     /* 0 = no HTTP answer */
LICET_API int64_t licet_online_retry_after(const licet_online* online); /* rate limited: s */
/* The license's seats and the devices bound to it, when the server told; else 0. */
LICET_API int64_t licet_online_seats(const licet_online* online);
LICET_API int64_t licet_online_bound(const licet_online* online);
/* licet_activate: the check of the returned license (its claims when stored), owned by the
 * licet_online; NULL when no license came back. */
LICET_API const licet_result* licet_online_license(const licet_online* online);

/* "activated", "seats_full", … (the names of docs/INTEGRATION.md); "unknown" for others. */
LICET_API const char* licet_activation_string(int status);
LICET_API const char* licet_deactivation_string(int status);
LICET_API const char* licet_sync_string(int status);

/* Offline (docs/FORMAT.md): writes an activation request for license_key, with this device's
 * key (created in state_dir), atomically to path, for the vendor's `licet activation respond`.
 * The answer is a license file the app stores with licet_store. licet_last_error tells why it
 * failed. device_id NULL = this machine's. */
LICET_API licet_error licet_write_activation_request(const licet_verifier* verifier,
                                                     const char* license_key, const char* device_id,
                                                     const char* path);
/* Writes a deactivation request for the stored license, signed by the device key and valid 30
 * days, atomically to path, then clears the stored license: the app stops using the seat now,
 * the vendor frees it with `licet activation deactivate`. LICET_NOT_ACTIVATED when nothing is
 * stored. */
LICET_API licet_error licet_write_deactivation_request(const licet_verifier* verifier,
                                                       const char* device_id, const char* path);

/* Before licet_activate: the same activation, its message (may be NULL) copied into a buffer of
 * message_size bytes (NUL-terminated, truncated), with this machine's device ID and the default
 * timeouts. */
LICET_API licet_activation licet_activate_online(const licet_verifier* verifier,
                                                 const char* server_url, const char* license_key,
                                                 char* message, size_t message_size);

LICET_API void licet_result_free(licet_result* result); /* NULL is fine */

LICET_API licet_error licet_result_code(const licet_result* result);
/* One line, safe to log and show; "" when the license is valid. */
LICET_API const char* licet_result_message(const licet_result* result);

/* Claims of a valid license. On a result that is not LICET_OK, strings are "" and numbers 0. */
LICET_API const char* licet_result_license_key(const licet_result* result);
LICET_API const char* licet_result_customer(const licet_result* result);
LICET_API const char* licet_result_product(const licet_result* result);
LICET_API const char* licet_result_vendor(const licet_result* result);
LICET_API const char* licet_result_token_id(const licet_result* result);
LICET_API int64_t licet_result_revision(const licet_result* result);
LICET_API int64_t licet_result_seats(const licet_result* result);
LICET_API int64_t licet_result_issued_at(const licet_result* result); /* Unix seconds */
LICET_API int licet_result_has_not_before(const licet_result* result);
LICET_API int64_t licet_result_not_before(const licet_result* result);
LICET_API int licet_result_has_expires_at(const licet_result* result); /* 0 = perpetual */
LICET_API int64_t licet_result_expires_at(const licet_result* result);
LICET_API int licet_result_has_maintenance_until(const licet_result* result);
LICET_API int64_t licet_result_maintenance_until(const licet_result* result);

LICET_API size_t licet_result_feature_count(const licet_result* result);
LICET_API const char* licet_result_feature_at(const licet_result* result, size_t index);
LICET_API int licet_result_has_feature(const licet_result* result, const char* feature);

/* 1 when the license is bound to devices (node-locked). */
LICET_API int licet_result_is_node_locked(const licet_result* result);
LICET_API size_t licet_result_device_count(const licet_result* result);
LICET_API const char* licet_result_device_at(const licet_result* result, size_t index);

/* Vendor data (the meta claim). licet_result_meta returns NULL when the name is absent. */
LICET_API size_t licet_result_meta_count(const licet_result* result);
LICET_API const char* licet_result_meta_name_at(const licet_result* result, size_t index);
LICET_API const char* licet_result_meta(const licet_result* result, const char* name);

/* "ok", "malformed", … "io_error" (the names of DESIGN.md); "unknown" for other values. */
LICET_API const char* licet_error_string(int code);

/* This machine's device ID for app_id, into buf (LICET_DEVICE_ID_MAX bytes are always enough),
 * computed from its hardware; LICET_DEVICE_ID is not consulted here (an app that sets
 * allow_device_id_override and wants to show that ID reads the variable itself).
 * Returns 0, or -1 when it cannot be computed or buf is too small (see licet_last_error). */
LICET_API int licet_device_id(const char* app_id, char* buf, size_t buflen);

/* Why the last licet_verifier_new or licet_device_id on this thread failed; "" if none did. */
LICET_API const char* licet_last_error(void);

/* The library version, e.g. "0.1.0". */
LICET_API const char* licet_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LICET_LICET_H */
