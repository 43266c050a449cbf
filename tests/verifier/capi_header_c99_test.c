/* Compiled by ctest with -std=c99 -Wall -Wextra -Wpedantic -Werror: licet.h must stay C99. */
#include "licet/licet.h"

int main(void) {
  licet_config config;
  licet_error e = LICET_IO_ERROR;
  licet_result *result = NULL;
  licet_verifier *verifier = NULL;
  (void)result;
  (void)verifier;
  licet_config_init(&config);
  return (int)e == 13 && LICET_DEVICE_ID_MAX > 0 ? 0 : 1;
}
