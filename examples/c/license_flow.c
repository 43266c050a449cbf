/* What a C application does with licet, from first launch to deactivation, and what it tells
 * the user at each step (docs/INTEGRATION.md, "The license lifecycle"):
 *
 *   license_flow PUBLIC_KEY PRODUCT STATE_DIR launch [SERVER_URL LICENSE_KEY]
 *       every launch: check the stored license, offline; on the first launch (nothing stored)
 *       activate with the license key the user typed, then check again
 *   license_flow PUBLIC_KEY PRODUCT STATE_DIR deactivate SERVER_URL
 *       free this computer's seat (moving to another computer)
 *   license_flow PUBLIC_KEY PRODUCT STATE_DIR install FILE
 *       store a license file (offline activation: the vendor's answer to a request)
 *   license_flow PUBLIC_KEY PRODUCT STATE_DIR check FILE
 *       check one license file without storing it
 *
 * A real app compiles its public key, product and server URL in; they are arguments here.
 * Exit: 0 licensed or done, 1 usage or setup, 2 the license is not valid, 3 not activated
 * (activation refused or failed), 4 deactivation not done. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "licet/licet.h"

/* This build's release date (2026-01-01T00:00:00Z): licenses whose maintenance ended before it
 * are refused, and the customer keeps running the versions released before. */
#define APP_RELEASE_DATE 1767225600
#define RENEW_URL "https://shop.example.com/renew"

static void print_date(const char* label, int64_t t) {
  char buf[32];
  time_t tt = (time_t)t;
  struct tm tm;
  if (gmtime_r(&tt, &tm) != NULL && strftime(buf, sizeof buf, "%Y-%m-%d", &tm) > 0) {
    printf("%s %s.\n", label, buf);
  }
}

/* One sentence per error code: what the user can do about it. */
static void explain(licet_error code, const char* message) {
  printf("[%s] ", licet_error_string(code));
  switch (code) {
    case LICET_OK:
      break;
    case LICET_MALFORMED:
      printf(
          "This is not a license file. Paste the whole file you received, including the "
          "BEGIN and END lines.\n");
      break;
    case LICET_BAD_SIGNATURE:
      printf(
          "This license file was altered or damaged. Use the original file from your "
          "purchase e-mail.\n");
      break;
    case LICET_UNKNOWN_KEY:
      printf(
          "This license was not issued for this version of the app. Update the app or "
          "contact support.\n");
      break;
    case LICET_WRONG_PRODUCT:
      printf("This license is for a different product.\n");
      break;
    case LICET_NOT_YET_VALID:
      printf("Your license is not active yet (%s).\n", message);
      break;
    case LICET_EXPIRED:
      printf("Your license has expired (%s). Renew it at " RENEW_URL ".\n", message);
      break;
    case LICET_MAINTENANCE_EXPIRED:
      printf(
          "Your maintenance ended before this version was released. Keep using an earlier "
          "version, or renew maintenance at " RENEW_URL ".\n");
      break;
    case LICET_DEVICE_NOT_BOUND:
      printf(
          "This license is registered to another computer. Move it to this one from your "
          "account page, or contact support.\n");
      break;
    case LICET_REVOKED:
      printf("This license has been revoked. Please contact support.\n");
      break;
    case LICET_SUPERSEDED:
      printf(
          "This license file was replaced by a newer one. Download the latest file from "
          "your account page.\n");
      break;
    case LICET_STALE_REVOCATIONS:
      printf("Connect to the internet once so the app can confirm your license.\n");
      break;
    case LICET_CLOCK_TAMPERED:
      printf("Your computer's clock looks wrong. Correct the date and time, then restart.\n");
      break;
    case LICET_IO_ERROR:
      printf("The license could not be read (%s).\n", message);
      break;
    case LICET_NOT_ACTIVATED:
      printf("This copy is not activated yet. Enter your license key to activate it.\n");
      break;
    case LICET_LEASE_EXPIRED:
      printf("Your license lease ran out. Connect to the internet to renew it.\n");
      break;
  }
}

/* One sentence per activation answer. */
static void explain_activation(licet_activation status, const licet_online* answer) {
  const char* message = licet_online_message(answer);
  printf("[%s] ", licet_activation_string(status));
  switch (status) {
    case LICET_ACTIVATION_ACTIVATED:
      printf("This computer is now activated.\n");
      break;
    case LICET_ACTIVATION_ALREADY_ACTIVE:
      printf("This computer was already activated; its license is restored.\n");
      break;
    case LICET_ACTIVATION_SEATS_FULL:
      printf("All seats of this license are in use. Deactivate it on another computer first.\n");
      break;
    case LICET_ACTIVATION_WRONG_PRODUCT:
      printf("This license key is for a different product.\n");
      break;
    case LICET_ACTIVATION_REVOKED:
      printf("This license has been revoked. Please contact support.\n");
      break;
    case LICET_ACTIVATION_EXPIRED:
      printf("This license has expired. Renew it at " RENEW_URL ".\n");
      break;
    case LICET_ACTIVATION_UNKNOWN_LICENSE:
      printf("This license key is not known. Check it for a typo.\n");
      break;
    case LICET_ACTIVATION_BAD_REQUEST:
      printf("The license key was refused (%s).\n", message);
      break;
    case LICET_ACTIVATION_RATE_LIMITED:
      printf("Too many attempts. Try again in %lld seconds.\n",
             (long long)licet_online_retry_after(answer));
      break;
    case LICET_ACTIVATION_NETWORK_ERROR:
    case LICET_ACTIVATION_TIMEOUT:
      printf(
          "The activation server cannot be reached. Check the internet connection and try "
          "again, or activate offline.\n");
      break;
    case LICET_ACTIVATION_TLS_ERROR:
      printf(
          "The secure connection to the activation server failed. Check the computer's date "
          "and time, or ask your IT whether a proxy intercepts HTTPS.\n");
      break;
    case LICET_ACTIVATION_SERVER_ERROR:
      printf("The activation server had a problem. Try again later.\n");
      break;
    case LICET_ACTIVATION_INVALID_LICENSE:
      printf("The activation server sent a license this version cannot use (%s).\n", message);
      break;
    case LICET_ACTIVATION_UNAVAILABLE:
      printf("Online activation is not available on this computer (%s). Activate offline.\n",
             message);
      break;
    case LICET_ACTIVATION_DEVICE_KEY_MISMATCH:
      printf(
          "This computer is already activated from another installation. Deactivate it "
          "there, or contact support.\n");
      break;
    case LICET_ACTIVATION_NOT_ACTIVATABLE:
      printf(
          "This license is registered to specific computers. Contact support to add this "
          "one.\n");
      break;
    case LICET_ACTIVATION_IO_ERROR:
      printf("The license could not be saved (%s).\n", message);
      break;
  }
}

/* One sentence per deactivation answer. */
static void explain_deactivation(licet_deactivation status, const licet_online* answer) {
  printf("[%s] ", licet_deactivation_string(status));
  switch (status) {
    case LICET_DEACTIVATION_DEACTIVATED:
      printf("This computer is deactivated; the seat is free for another computer.\n");
      break;
    case LICET_DEACTIVATION_NOT_ACTIVATED:
      printf("This computer is not activated.\n");
      break;
    case LICET_DEACTIVATION_NOT_ACTIVE:
      printf("This computer no longer held a seat; it is deactivated.\n");
      break;
    case LICET_DEACTIVATION_NO_DEVICE_KEY:
      printf("This computer was registered by the vendor. Contact support to move the license.\n");
      break;
    case LICET_DEACTIVATION_TRANSFER_CAP:
      printf(
          "This license was moved too often recently. It stays active on this computer; "
          "contact support to move it.\n");
      break;
    case LICET_DEACTIVATION_INVALID_TOKEN:
      printf(
          "The activation server did not accept this computer's request (%s). Check the date "
          "and time.\n",
          licet_online_message(answer));
      break;
    case LICET_DEACTIVATION_UNKNOWN_LICENSE:
      printf("The activation server does not know this license. Contact support.\n");
      break;
    case LICET_DEACTIVATION_RATE_LIMITED:
    case LICET_DEACTIVATION_NETWORK_ERROR:
    case LICET_DEACTIVATION_TIMEOUT:
    case LICET_DEACTIVATION_TLS_ERROR:
    case LICET_DEACTIVATION_SERVER_ERROR:
    case LICET_DEACTIVATION_UNAVAILABLE:
      printf(
          "The activation server cannot be reached. The license stays active here; try again "
          "later.\n");
      break;
    case LICET_DEACTIVATION_BAD_REQUEST:
    case LICET_DEACTIVATION_IO_ERROR:
      printf("Deactivation failed (%s).\n", licet_online_message(answer));
      break;
  }
}

static void show_license(const licet_result* result) {
  size_t i;
  printf("[ok] Licensed to %s (license %s).\n", licet_result_customer(result),
         licet_result_license_key(result));
  if (licet_result_has_expires_at(result)) {
    print_date("Valid until", licet_result_expires_at(result));
  } else {
    printf("Perpetual license.\n");
  }
  for (i = 0; i < licet_result_feature_count(result); ++i) {
    printf("Feature enabled: %s\n", licet_result_feature_at(result, i));
  }
}

/* Shows a check's outcome; returns the exit code. */
static int report(licet_error code, const licet_result* result) {
  if (code == LICET_OK) {
    show_license(result);
    return 0;
  }
  explain(code, result != NULL ? licet_result_message(result) : "");
  return code == LICET_NOT_ACTIVATED ? 3 : 2;
}

/* Every launch: the stored license, offline. A license that wants a fresh revocation feed
 * gets one sync (the only time the app goes online by itself), then one more check. */
static licet_error check_stored(licet_verifier* verifier, licet_result** result) {
  licet_error code = licet_verify_stored(verifier, NULL, result);
  if (code == LICET_STALE_REVOCATIONS) {
    const licet_sync_status synced = licet_sync(verifier, NULL);
    if (synced == LICET_SYNC_UPDATED || synced == LICET_SYNC_UNCHANGED) {
      licet_result_free(*result);
      code = licet_verify_stored(verifier, NULL, result);
    }
  }
  return code;
}

static int launch(licet_verifier* verifier, const char* server_url, const char* license_key) {
  licet_result* result = NULL;
  licet_online* answer = NULL;
  licet_activation status;
  int rc;
  licet_error code = check_stored(verifier, &result);
  if (code != LICET_NOT_ACTIVATED || server_url == NULL) {
    rc = report(code, result);
    licet_result_free(result);
    return rc;
  }
  /* First launch: the activation screen, where the user typed license_key. */
  licet_result_free(result);
  result = NULL;
  status = licet_activate(verifier, server_url, license_key, NULL, &answer);
  explain_activation(status, answer);
  licet_online_free(answer);
  if (status != LICET_ACTIVATION_ACTIVATED && status != LICET_ACTIVATION_ALREADY_ACTIVE) return 3;
  code = check_stored(verifier, &result);
  rc = report(code, result);
  licet_result_free(result);
  return rc;
}

static int deactivate(licet_verifier* verifier, const char* server_url) {
  licet_online* answer = NULL;
  const licet_deactivation status = licet_deactivate(verifier, server_url, NULL, &answer);
  explain_deactivation(status, answer);
  licet_online_free(answer);
  return status == LICET_DEACTIVATION_DEACTIVATED || status == LICET_DEACTIVATION_NOT_ACTIVE ? 0
                                                                                             : 4;
}

static int install(licet_verifier* verifier, const char* path) {
  char text[65536];
  size_t n;
  licet_result* result = NULL;
  licet_error code;
  int rc;
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    printf("[io_error] The license file could not be opened (%s).\n", path);
    return 2;
  }
  n = fread(text, 1, sizeof text, f);
  fclose(f);
  code = licet_store(verifier, text, n, NULL, &result);
  rc = report(code, result);
  licet_result_free(result);
  return rc;
}

static int check(licet_verifier* verifier, const char* path) {
  licet_result* result = NULL;
  const licet_error code = licet_verify_file(verifier, path, NULL, &result);
  const int rc = report(code, result);
  licet_result_free(result);
  return rc;
}

int main(int argc, char** argv) {
  licet_config config;
  licet_verifier* verifier = NULL;
  const char* keys[1];
  const char* command = argc > 4 ? argv[4] : "";
  int rc = 1;

  if (argc < 5 || (strcmp(command, "launch") == 0 && argc != 5 && argc != 7) ||
      (strcmp(command, "launch") != 0 && argc != 6)) {
    fprintf(stderr,
            "usage: %s PUBLIC_KEY PRODUCT STATE_DIR launch [SERVER_URL LICENSE_KEY]\n"
            "       %s PUBLIC_KEY PRODUCT STATE_DIR deactivate SERVER_URL\n"
            "       %s PUBLIC_KEY PRODUCT STATE_DIR install|check FILE\n",
            argv[0], argv[0], argv[0]);
    return 1;
  }
  keys[0] = argv[1];
  licet_config_init(&config);
  config.public_keys = keys;
  config.public_key_count = 1;
  config.product = argv[2];
  config.state_dir = argv[3];
  config.release_date = APP_RELEASE_DATE;
  /* Containers and CI runners have no stable hardware IDs: there the operator sets
   * LICET_DEVICE_ID on purpose, and the app opts in. A desktop app leaves this off (anyone could
   * copy a node-locked file and set the variable to an ID printed in it). */
  config.allow_device_id_override = getenv("APP_RUNS_IN_CONTAINER") != NULL;
  if (licet_verifier_new(&config, &verifier) != LICET_OK) {
    fprintf(stderr, "cannot set up the license check: %s\n", licet_last_error());
    return 1;
  }
  if (strcmp(command, "launch") == 0) {
    rc = launch(verifier, argc == 7 ? argv[5] : NULL, argc == 7 ? argv[6] : NULL);
  } else if (strcmp(command, "deactivate") == 0) {
    rc = deactivate(verifier, argv[5]);
  } else if (strcmp(command, "install") == 0) {
    rc = install(verifier, argv[5]);
  } else if (strcmp(command, "check") == 0) {
    rc = check(verifier, argv[5]);
  } else {
    fprintf(stderr, "unknown command '%s'\n", command);
  }
  licet_verifier_free(verifier);
  return rc;
}
