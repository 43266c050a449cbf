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
  LICET_IO_ERROR = 13
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
  /* Non-zero: LICET_DEVICE_ID in the environment replaces this machine's device ID. Keep it 0
   * unless the app runs where its operator sets the variable on purpose (containers, CI): with
   * it, anyone can copy a node-locked file and set the variable to the ID printed in it.
   * licet_config_init sets 0. (Appended last: the fields above keep their offsets.) */
  int allow_device_id_override;
} licet_config;

/* Fills *config with the defaults: everything empty, tolerance 300 s, recheck_cache on. */
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

/* Online activation against `licet serve` (POST /v1/activate): sends this device's ID (for the
 * verifier's app_id) and, when the server grants a seat, stores the returned license in
 * state_dir as licet_store does (verified first). The values mirror licet::ActivationStatus.
 * `message` (may be NULL) receives one NUL-terminated line, truncated to message_size. */
typedef enum licet_activation {
  LICET_ACTIVATION_ACTIVATED = 0,
  LICET_ACTIVATION_ALREADY_ACTIVE = 1,
  LICET_ACTIVATION_SEATS_FULL = 2,
  LICET_ACTIVATION_REVOKED = 3,
  LICET_ACTIVATION_EXPIRED = 4,
  LICET_ACTIVATION_UNKNOWN_LICENSE = 5,
  LICET_ACTIVATION_RATE_LIMITED = 6,
  LICET_ACTIVATION_BAD_REQUEST = 7,
  LICET_ACTIVATION_NETWORK_ERROR = 8,
  LICET_ACTIVATION_TIMEOUT = 9,
  LICET_ACTIVATION_TLS_ERROR = 10,
  LICET_ACTIVATION_SERVER_ERROR = 11,
  LICET_ACTIVATION_INVALID_LICENSE = 12,
  LICET_ACTIVATION_UNAVAILABLE = 13
} licet_activation;

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
