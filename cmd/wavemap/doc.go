/*
Wavemap inspects, edits and creates WAVE files of any size through memory
maps: every command works on the mapped samples, so a file larger than RAM
costs no more memory than a small one.

Usage:

	wavemap <command> [flags] [files]

The commands are:

	info       print format, size, chunks, tags and warnings of WAVE files
	stats      per-channel peak, RMS, DC offset and clipping, in dBFS too
	loudness   EBU R 128 loudness, loudness range and true peak of WAVE files
	gain       change the level of a file in place (--db or --factor)
	normalize  scale a file in place so that its peak is at a given level
	convert    write a copy of a file in another sample encoding
	cut        copy a time range of a WAVE file into a new file
	cat        join WAVE files of the same format into a new file
	raw        wrap headerless samples in a WAVE header, or extract them
	gen        create a file of any size with a sine, noise or silence
	plot       draw the waveform of a file as a PNG picture
	check      check WAVE files for defects; exit 1 if there are any
	fix        repair the header of a defective WAVE file in place

Run "wavemap <command> -h" for a command's flags and an example.

# Conventions

Flags may come before or after the file names. Results go to standard
output; --json, where offered, prints JSON instead of text. Commands that
take several files (info, check) print one JSON object per file, one per
line (JSON Lines), in the order the files were given.

Errors go to standard error as one line, "wavemap COMMAND: FILE: problem".
The exit code is 0 on success, 1 on failure (a file that cannot be read,
a defect check found, a range past the end ...) and 2 on a command-line
error (an unknown flag, a missing argument, a malformed time). An
interrupt (Ctrl-C) or SIGTERM stops the command at its next block of
samples with exit code 130; a second Ctrl-C ends it at once.

When standard error is a terminal and work runs for more than a second, a
progress bar is drawn there and erased at the end; -q turns it off. It is
never drawn when standard error is not a terminal.

Commands that create a file (convert, cut, cat, raw, gen, plot) write it
to a temporary file beside the output, ".OUT.wavemap-XXXXXXXX.partial",
and rename it over the output once it is complete and on disk. Until then
an existing file of that name is untouched: a failed or interrupted
command leaves it as it was (or no file) and removes its temporary file.
A command killed outright (SIGKILL, a crash, a power cut) leaves its
temporary file behind, which looks like a WAVE file but is unfinished:
the next command writing that output, and check, report it, and
check --clean removes it.

Metadata chunks survive: convert, cut, cat and raw write every chunk of
the input that does not frame its audio (LIST, bext, iXML, cue, smpl,
_PMX and chunks wavemap does not know) into the output byte for byte, in
their order and on their side of the data chunk; only fmt, fact, ds64,
the JUNK padding and data are written anew. An output with such chunks
has its audio at a multiple of 4096 bytes, after a JUNK chunk of at least
1 KiB (room for the chunks to grow in place). A Wave64 output gets the
chunks that followed the audio before it: libsndfile, and so sox, reads
every byte after a Wave64 data chunk as audio. What a command changes in
them (cue points moved or dropped by cut, those of later inputs added by
cat, an MD5 of the audio removed by convert) is said on standard error,
one line each ("wavemap CMD: FILE: metadata: ..."), unless -q is given,
and listed in --json as "metadata", an array of strings. gain and
normalize change samples only: their notes name the chunks that the
edit leaves describing the old samples. fix changes size fields only.

The output must be a regular file or not exist: a FIFO, device, socket or
directory (even through a symlink) is refused before anything is created,
and so is a read-only file, which is kept. A symlink at the output's name
is replaced by the new file; the file it points to is not written. The
output gets the permission bits of the file it replaces or, for a new
file, of the input (a 0600 input gives a 0600 output; gen uses 0666 minus
the umask). An output that is one of the inputs is refused. Standard input
and output ("-") are not supported yet (exit code 2). gain, normalize and
fix change their input in place and fail on a file that cannot be written.

Inputs are locked while a command works (advisory locks, see the
library's documentation): gain, normalize and fix (but for --dry-run)
need a file to themselves, the other commands share it with each other.
A command whose input another wavemap holds in a conflicting way fails
at once with exit code 1 ("file is in use ..."), changing nothing,
instead of losing or mixing edits. An input that is not a regular file
(a named pipe, a device) is refused at once.

# info

	wavemap info [--json] FILE...
	wavemap info --type T --channels N --rate HZ [--offset N] FILE...

Prints, for each file, the container (RIFF, RF64, BW64, W64, or raw), the
encoding (u8, s16, s24, s32, f32, f64, alaw, ulaw) and format tag, the bits
and valid bits, the channels and channel mask (with speaker positions),
the sample rate, the frames and duration, every chunk with its offset and
size, the LIST/INFO tags and the header defects that were worked around.
With the raw flags (see raw) the files are described as headerless
samples. --json prints one object per file with the keys file,
container, encoding, format_tag, extensible, channels, sample_rate,
frames, duration_seconds, bits, valid_bits, channel_mask, speakers,
data_offset, data_bytes, chunks, tags and warnings.

# stats

	wavemap stats [--json] FILE

Per-channel peak, RMS, DC offset, minimum, maximum and clipped samples
(samples at the encoding's extreme codes; for floats |x| >= 1), with peak
and RMS also in dBFS, computed in one pass on every core. Values are on
the library's scale (an n-bit integer x is x / 2^(n-1)). Channels are
numbered from 1. --json prints an object with file, format, frames and
channels: [{channel, peak, peak_dbfs, rms, rms_dbfs, dc, min, max,
clipped, samples}]; dBFS of silence and non-finite values are null.

# loudness

	wavemap loudness [--json] [--series] [--no-true-peak] FILE...

Measures each file as ITU-R BS.1770-4 and EBU R 128 define loudness, at
any sample rate of 8 kHz and more and for any channel layout: the
integrated loudness (LUFS; 400 ms blocks every 100 ms, gated at -70 LUFS
and 10 LU below), the loudness range of EBU Tech 3342 (LU), the largest
momentary (400 ms) and short-term (3 s) loudness, the sample peak (dBFS)
and the true peak (dBTP, oversampled 4x below 96 kHz, 2x below 192 kHz),
for the programme and for each channel alone. Channels are weighted by
the WAVE_FORMAT_EXTENSIBLE channel mask: side and back left and right
1.41 (+1.5 dB), the LFE 0 (excluded), the others 1; without a mask, 5
channels are taken as L R C Ls Rs and 6 as L R C LFE Ls Rs, any other
count weighs 1 each. The file is read once, on every core. NaN and
infinite samples count as silence, with a warning. --no-true-peak skips
the true peak, the slowest part. --series adds the momentary and
short-term loudness every 100 ms.

--json prints one object per file, one per line, with the keys file,
format, frames, duration_seconds, integrated_lufs, range_lu,
momentary_max_lufs, short_term_max_lufs, sample_peak_dbfs,
true_peak_dbtp, true_peak_oversampling, non_finite_samples and channels:
[{channel, speaker, weight, integrated_lufs, range_lu,
momentary_max_lufs, short_term_max_lufs, sample_peak_dbfs,
true_peak_dbtp, non_finite_samples}], and with --series series:
{step_seconds, momentary_lufs, short_term_lufs} (momentary_lufs[j] covers
the 400 ms from j*step_seconds, short_term_lufs[j] the 3 s). A level that
nothing defines (silence, a file shorter than 400 ms or 3 s) is null in
JSON and -inf in the text. A file that cannot be read is reported on
standard error and the others are measured; the exit code is then 1.

# gain and normalize

	wavemap gain --db DB | --factor X [--dry-run] [--no-journal] [--discard-journal] FILE
	wavemap normalize [--peak DBFS] [--dry-run] [--no-journal] [--discard-journal] FILE
	wavemap normalize --lufs LUFS [--true-peak DBTP|none] [--dry-run] [--no-journal] [--discard-journal] FILE

Change the level of FILE in place (a read-write map: no copy is made),
counting the samples that clip; integer results are rounded to nearest,
ties to even. normalize makes two passes: one to find the peak, one to
scale it to --peak (default -1 dBFS). --dry-run only reports. Like cp, sox
and ffmpeg they leave writing the changed pages to disk to the kernel;
--sync waits until they are on stable storage (msync + fsync) and reports
write-back errors. --json keys: file, format, factor, db, clipped, dry_run
(normalize adds peak_before_dbfs, target_dbfs and silent).

normalize --lufs measures the integrated loudness and the true peak
instead (see loudness), then applies the gain that brings the loudness
to LUFS, unless that would put the true peak above the ceiling
--true-peak (default -1 dBTP, EBU R 128's maximum; "none" for no
ceiling): the gain is then the one that puts the true peak at the
ceiling (a hair below it for integer encodings, so that rounding cannot
pass it), and the file ends quieter than asked. It says what it did:
"take.wav: loudness -30.21 LUFS -> -23.00 LUFS (target -23.00), true
peak -8.12 -> -0.91 dBTP (ceiling -1.00 dBTP), gain 7.21 dB ...". A
silent file (no 400 ms block above -70 LUFS) is left unchanged; a file
with NaN or infinite samples is refused. --json adds target_lufs,
true_peak_ceiling_dbtp, measured_lufs, true_peak_before_dbtp,
expected_lufs, expected_true_peak_dbtp, limited_by_true_peak,
true_peak_oversampling and resumed (measured values are null when a
rerun finishes an interrupted edit).

While they change FILE they keep a journal beside it, .FILE.wavemap-journal
(the command, its factor, which blocks are done and a copy of the blocks
being changed), removed when the edit is complete. If the command is
killed, crashes or is interrupted, the file is left partly edited with its
journal, and running the same command again finishes the edit exactly
once, saying so ("resuming an interrupted gain of -6 dB: 40 of 275 blocks
were done"); the clipped count is that of the whole edit, and normalize
uses the factor it measured the first time. Any other gain or normalize
of the file is refused (exit 1) with a message saying what was
interrupted and how to proceed, as is a journal that is damaged, belongs
to another file, or was cut short by a restart of the system (after a
power loss the progress it records may never have reached the disk).
--discard-journal first removes the journal, accepting the file as it is
(gain --discard-journal FILE does only that); --no-journal edits without
one, a little faster, but then an interrupted edit can neither be
finished nor noticed. With --sync the journal is removed only once the
edit is on disk.

# convert

	wavemap convert --to ENCODING [--container C] IN OUT

Writes a copy of IN in another sample encoding (never resampling, so
--rate-keep is accepted and is always the case), with the library's
scaling: integers to floats divide by 2^(bits-1), floats to integers round
to nearest and clip, and the clipped samples are counted. The conversion
runs on every core while the output is written. The container follows
--container (same, the default, keeps IN's RF64, BW64 or Wave64). The
metadata chunks are kept, but for those that describe the old samples (an
MD5 of the audio, a levl peak envelope), which are removed, and bext's
loudness fields, which are cleared. --json keys: file, output, from, to,
frames, clipped, metadata.

# cut

	wavemap cut [--from T] [--to T] [--container C] [--json] IN OUT

Copies the frames from --from (default the start) up to, not including,
--to (default the end) into OUT, in the format of IN. A time T is seconds
("1.5"), a count of frames followed by s as in sox ("72000s"), or
[hh:]mm:ss.ms ("00:01:02.500"); seconds are rounded to the nearest frame.
The output keeps an RF64, BW64 or Wave64 input's container (--container
same, the default); otherwise it is RIFF, or RF64 past 4 GiB. The
metadata chunks are kept, with their positions moved to the range: cue
points outside it dropped, the others and bext's time reference moved by
--from.

# cat

	wavemap cat [--container C] [--json] IN... OUT

Joins the inputs, which must have the same encoding, channels, sample
rate, valid bits and channel mask, into OUT. OUT gets the metadata chunks
of the first input, and the cue points of the others at the frames where
their audio lands.

# raw

	wavemap raw --type T --channels N --rate HZ [--offset N] [--trailer N] [--frames N] IN OUT.wav
	wavemap raw --extract IN.wav OUT.raw

The first form wraps headerless samples in a WAVE header: --offset bytes
are skipped at the start of IN, --trailer bytes left at its end, and
--frames limits the count; a partial frame at the end is reported and left
out. When IN is itself a WAVE file whose header --offset skips exactly
(its audio starts there, in frames of the same size, and the frames taken
stay within its data chunk: give the chunks after it as --trailer), its
metadata chunks are kept, with a note; otherwise a note says why they are
left out. The second form writes the samples of a WAVE file, without any
header, to OUT.raw.

# gen

	wavemap gen [--type T] [--channels N] [--rate HZ] --seconds S | --frames N [--signal sine|noise|silence] OUT.wav

Creates a file of any size, filled through the memory map on every core.

# plot

	wavemap plot [--width W] [--height H] FILE -o OUT.png

Draws the waveform of FILE as a PNG picture of the given size (default
1600x400): for every pixel column the minimum and maximum of the samples
it covers, one lane per channel, with a labelled time axis. Values past
full scale are marked in red. The overview is computed in one pass.

# check

	wavemap check [--data] [--clean] [--json] FILE...

Opens each file as the library does and lists every defect it had to
work around, one line each ("FILE: warning KIND at byte N: what was
found"), or "FILE: ok". With --data it also reads every sample, reporting
unreadable data and NaN or infinite float samples. The exit code is 0 when
every file is clean and 1 otherwise; a file that cannot be opened at all
is reported on standard error. A file with the journal of an interrupted
gain or normalize beside it is reported as an "interrupted edit", with
what was interrupted and how to finish it.

A temporary file that a killed command left (see Conventions) is reported
as the unfinished output of an interrupted run, whether it is given
itself or its output is given ("FILE: leftover PARTIAL is the unfinished
output of an interrupted run ..."), and fails the check. --clean removes
such files (never one that a running command is still writing), and the
ones removed no longer fail it. --json adds the keys unfinished_output_of
and in_use for a temporary file, and leftovers ([{file, bytes, modified,
removed}]) for an output.

# fix

	wavemap fix [--dry-run] [--trailing-audio] FILE...

Repairs wrong size fields in the header in place: a RIFF size that does
not match the file, a data size past the end of the file, left at a
streaming placeholder (0 or 0xFFFFFFFF) by a recorder that crashed, or
stopping short of audio that the file holds, RF64 ds64 sizes and fact
frame counts. It never shrinks a size over bytes the file holds: where
the data size is stale, the audio is taken to go on when the bytes after
it start no chunk and the RIFF (ds64, Wave64) size counts them. Bytes
that no size counts but that run to the end of the file in whole frames
(a recorder that rewrites its header every few seconds, killed before
the next rewrite) are taken as audio only with --trailing-audio: sox,
ffmpeg and libsndfile read them as junk, and real files do carry junk
after correctly sized audio; without the flag, fix leaves them and says
how to take them. A partial frame at the end stays out of the audio.
It prints each change (offset, old and new value, why: which reading of
the file it chose) before making it, then each problem that no size can
remove ("left as is: warning KIND at byte N: ... (why)"), which check
will go on reporting; --dry-run prints them and writes nothing. No byte
outside the size fields changes. Exit code 0 when there was nothing to
fix or everything that sizes can fix was fixed.
*/
package main
