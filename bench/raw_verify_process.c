/* The floor licet-verify is measured against (docs/PERFORMANCE.md): a process that does nothing
 * but start, initialise libsodium and run one crypto_sign_verify_detached over the same bytes
 * licet-verify checks for valid.lic. Input: raw_verify.bin from licet_test_mint, laid out as
 * public key (32) || signature (64) || message. Exit 0 when the signature holds. */
#include <sodium.h>
#include <stdio.h>

int main(int argc, char **argv) {
  static unsigned char buf[1 << 16];
  FILE *f;
  size_t n;
  if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) return 2;
  n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (n < 96 || sodium_init() < 0) return 2;
  return crypto_sign_verify_detached(buf + 32, buf + 96, n - 96, buf) == 0 ? 0 : 1;
}
