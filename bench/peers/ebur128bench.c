/*
 * ebur128bench measures a WAVE file with libebur128 for bench/loudness.sh:
 * integrated loudness and loudness range, with -p the true peak of every
 * channel as well (EBUR128_MODE_TRUE_PEAK), as a user of the library
 * would: the file's PCM read in blocks of 100 ms and handed to
 * ebur128_add_frames_short (s16), _int (s24, widened to 32 bits, and
 * s32) or _float (f32). Every channel is weighted 1 (the first left, the
 * others right ... as libebur128's channel types go, none unused), as
 * wavemap weighs the channels of a file without a channel mask.
 *
 * It is not part of any Go module; bench/loudness.sh builds it with cc,
 * linked with -lebur128 (Debian: libebur128-dev).
 *
 * usage: ebur128bench [-p] FILE.wav
 */
#include <ebur128.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static uint16_t le16(const unsigned char *b) { return (uint16_t)(b[0] | b[1] << 8); }

int main(int argc, char **argv) {
  int tp = 0;
  const char *name = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-p") == 0) {
      tp = 1;
    } else {
      name = argv[i];
    }
  }
  if (name == NULL) {
    fprintf(stderr, "usage: ebur128bench [-p] FILE.wav\n");
    return 2;
  }
  FILE *f = fopen(name, "rb");
  if (f == NULL) {
    perror(name);
    return 1;
  }
  unsigned char h[12];
  if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "WAVE", 4) != 0) {
    fprintf(stderr, "%s: not a RIFF WAVE file\n", name);
    return 1;
  }
  unsigned channels = 0, rate = 0, bits = 0, tag = 0;
  unsigned long long size = 0;
  for (;;) { /* the chunks up to the data */
    unsigned char c[8];
    if (fread(c, 1, 8, f) != 8) {
      fprintf(stderr, "%s: no data chunk\n", name);
      return 1;
    }
    uint32_t n = le32(c + 4);
    if (memcmp(c, "data", 4) == 0) {
      size = n;
      break;
    }
    if (memcmp(c, "fmt ", 4) == 0 && n >= 16) {
      unsigned char fm[40] = {0};
      size_t k = n < sizeof fm ? n : sizeof fm;
      if (fread(fm, 1, k, f) != k) {
        return 1;
      }
      tag = le16(fm);
      channels = le16(fm + 2);
      rate = le32(fm + 4);
      bits = le16(fm + 14);
      if (tag == 0xFFFE && k >= 26) {
        tag = le16(fm + 24); /* the subformat GUID's first two bytes */
      }
      n -= (uint32_t)k;
    }
    if (fseek(f, (long)(n + (n & 1)), SEEK_CUR) != 0) {
      return 1;
    }
  }
  if (channels == 0 || !((tag == 1 && (bits == 16 || bits == 24 || bits == 32)) || (tag == 3 && bits == 32))) {
    fprintf(stderr, "%s: want s16, s24, s32 or f32 PCM (format %u, %u bits)\n", name, tag, bits);
    return 1;
  }
  int mode = EBUR128_MODE_I | EBUR128_MODE_LRA | (tp ? EBUR128_MODE_TRUE_PEAK : 0);
  ebur128_state *st = ebur128_init(channels, rate, mode);
  if (st == NULL) {
    fprintf(stderr, "ebur128_init failed\n");
    return 1;
  }
  for (unsigned c = 0; c < channels; c++) {
    ebur128_set_channel(st, c, c == 1 ? EBUR128_RIGHT : EBUR128_LEFT);
  }
  size_t frame = channels * (bits / 8), hop = (rate + 5) / 10;
  unsigned char *raw = malloc(hop * frame);
  int32_t *wide = malloc(hop * channels * sizeof(int32_t));
  unsigned long long left = size / frame;
  while (left > 0) {
    size_t want = left < hop ? (size_t)left : hop;
    size_t got = fread(raw, frame, want, f);
    if (got == 0) {
      break;
    }
    left -= got;
    int err;
    if (tag == 3) {
      err = ebur128_add_frames_float(st, (const float *)raw, got);
    } else if (bits == 16) {
      err = ebur128_add_frames_short(st, (const short *)raw, got);
    } else if (bits == 32) {
      err = ebur128_add_frames_int(st, (const int *)raw, got);
    } else {
      for (size_t i = 0; i < got * channels; i++) {
        const unsigned char *s = raw + 3 * i;
        wide[i] = (int32_t)((uint32_t)s[0] << 8 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 24);
      }
      err = ebur128_add_frames_int(st, wide, got);
    }
    if (err != EBUR128_SUCCESS) {
      fprintf(stderr, "ebur128_add_frames failed\n");
      return 1;
    }
  }
  double v;
  if (ebur128_loudness_global(st, &v) == EBUR128_SUCCESS) {
    printf("I %.2f LUFS\n", v);
  }
  if (ebur128_loudness_range(st, &v) == EBUR128_SUCCESS) {
    printf("LRA %.2f LU\n", v);
  }
  if (tp) {
    double top = 0;
    for (unsigned c = 0; c < channels; c++) {
      if (ebur128_true_peak(st, c, &v) == EBUR128_SUCCESS && v > top) {
        top = v;
      }
    }
    printf("TP %.6f\n", top);
  }
  ebur128_destroy(&st);
  free(raw);
  free(wide);
  fclose(f);
  return 0;
}
