/*
 * ebur128harness measures a signal with libebur128, as an independent
 * reference for wavemap's loudness tests (loudness_ebur128_test.go in
 * the module's root). It is not part of the Go module: the test compiles
 * it with cc into a temporary directory, linked with -lebur128.
 *
 * usage: ebur128harness RATE CHANNEL... < samples
 *
 * Each CHANNEL is libebur128's channel type for that channel
 * (enum channel in ebur128.h: 0 unused, 1 left, 2 right, 3 centre,
 * 4 left surround, 5 right surround, 12 M+090, 13 M-090 ...). Standard
 * input holds the samples as raw little-endian float64, interleaved.
 * The signal is fed in 100 ms steps ((RATE+5)/10 frames, libebur128's
 * own step), the momentary and short-term loudness read after each, and
 * the program prints one "name value" line each for I (LUFS), LRA (LU),
 * M (the largest momentary loudness, LUFS), S (the largest short-term
 * loudness, LUFS), and TP0, TP1 ... (each channel's true peak, linear,
 * from ebur128_true_peak).
 */
#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: ebur128harness RATE CHANNEL... < samples\n");
    return 2;
  }
  unsigned long rate = strtoul(argv[1], NULL, 10);
  unsigned int channels = (unsigned int)(argc - 2);
  ebur128_state *st = ebur128_init(channels, rate,
                                   EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_M |
                                       EBUR128_MODE_S | EBUR128_MODE_TRUE_PEAK);
  if (st == NULL) {
    fprintf(stderr, "ebur128_init failed\n");
    return 1;
  }
  for (unsigned int c = 0; c < channels; c++) {
    if (ebur128_set_channel(st, c, atoi(argv[2 + c])) != EBUR128_SUCCESS) {
      fprintf(stderr, "bad channel %u\n", c);
      return 1;
    }
  }
  size_t hop = (rate + 5) / 10;
  double *buf = malloc(hop * channels * sizeof(double));
  double mmax = -HUGE_VAL, smax = -HUGE_VAL, v;
  size_t fed = 0;
  for (;;) {
    size_t n = fread(buf, sizeof(double) * channels, hop, stdin);
    if (n == 0) {
      break;
    }
    if (ebur128_add_frames_double(st, buf, n) != EBUR128_SUCCESS) {
      fprintf(stderr, "ebur128_add_frames_double failed\n");
      return 1;
    }
    fed += n;
    if (n == hop && fed >= 4 * hop && ebur128_loudness_momentary(st, &v) == EBUR128_SUCCESS && v > mmax) {
      mmax = v;
    }
    if (n == hop && fed >= 30 * hop && ebur128_loudness_shortterm(st, &v) == EBUR128_SUCCESS && v > smax) {
      smax = v;
    }
  }
  if (ebur128_loudness_global(st, &v) != EBUR128_SUCCESS) {
    return 1;
  }
  printf("I %.17g\n", v);
  if (ebur128_loudness_range(st, &v) != EBUR128_SUCCESS) {
    return 1;
  }
  printf("LRA %.17g\n", v);
  printf("M %.17g\nS %.17g\n", mmax, smax);
  for (unsigned int c = 0; c < channels; c++) {
    if (ebur128_true_peak(st, c, &v) != EBUR128_SUCCESS) {
      return 1;
    }
    printf("TP%u %.17g\n", c, v);
  }
  ebur128_destroy(&st);
  free(buf);
  return 0;
}
