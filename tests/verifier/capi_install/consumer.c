/* Installed-package consumer: verifies argv[2] with key argv[1] for product argv[3]. */
#include <licet/licet.h>
#include <stdio.h>

int main(int argc, char** argv) {
  licet_config config;
  licet_verifier* verifier = NULL;
  licet_result* result = NULL;
  const char* keys[1];
  licet_error code;
  if (argc != 4) return 100;
  keys[0] = argv[1];
  licet_config_init(&config);
  config.public_keys = keys;
  config.public_key_count = 1;
  config.product = argv[3];
  if (licet_verifier_new(&config, &verifier) != LICET_OK) return 101;
  code = licet_verify_file(verifier, argv[2], NULL, &result);
  printf("licet %s: %s %s\n", licet_version(), licet_error_string(code),
         licet_result_customer(result));
  licet_result_free(result);
  licet_verifier_free(verifier);
  return (int)code;
}
