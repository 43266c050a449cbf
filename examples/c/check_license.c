/* What a C application does with licet: check the license file at startup and tell the user,
 * in their terms, what is wrong. Usage: check_license PUBLIC_KEY PRODUCT LICENSE_FILE
 * (a real app compiles its public key and product in; they are arguments here to demo). */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <stdio.h>
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
  }
}

int main(int argc, char** argv) {
  licet_config config;
  licet_verifier* verifier = NULL;
  licet_result* result = NULL;
  licet_error code;
  const char* keys[1];
  size_t i;

  if (argc != 4) {
    fprintf(stderr, "usage: %s PUBLIC_KEY PRODUCT LICENSE_FILE\n", argv[0]);
    return 1;
  }
  keys[0] = argv[1];
  licet_config_init(&config);
  config.public_keys = keys;
  config.public_key_count = 1;
  config.product = argv[2];
  config.release_date = APP_RELEASE_DATE;
  code = licet_verifier_new(&config, &verifier);
  if (code != LICET_OK) {
    fprintf(stderr, "cannot set up the license check: %s\n", licet_last_error());
    return 1;
  }

  code = licet_verify_file(verifier, argv[3], NULL, &result);
  if (code == LICET_OK) {
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
  } else {
    explain(code, result != NULL ? licet_result_message(result) : "");
  }
  licet_result_free(result);
  licet_verifier_free(verifier);
  return code == LICET_OK ? 0 : 2;
}
