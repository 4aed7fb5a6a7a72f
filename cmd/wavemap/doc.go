/*
Wavemap inspects, edits and creates WAVE files of any size through memory
maps: every command works on the mapped samples, so a file larger than RAM
costs no more memory than a small one.

Usage:

	wavemap <command> [flags] [files]

The commands are:

	info       print format, size, chunks, metadata and warnings of WAVE files
	tag        list or set the INFO tags and bext fields of WAVE files, in place
	markers    list, add or remove the markers and regions of a file, in place
	meta       export every metadata chunk of a file as JSON, or import it back
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
	peaks      write waveform data for web players (.dat or .json), as BBC audiowaveform does
	serve      serve a waveform viewer of WAVE files to the browser
	check      check WAVE files for defects; exit 1 if there are any
	scan       walk folders: one record per audio file (levels, silence, defects), JSON lines or CSV
	fix        repair the header of a defective WAVE file in place, or copy it repaired
	split      one mono file per channel, named by iXML track or speaker position
	merge      the channels of several files in one file, with a channel mask
	remix      pick, reorder, drop or mix channels (sox's remix syntax)

Run "wavemap help <command>" (or "wavemap <command> --help") for a
command's flags and examples, "wavemap help json" for the JSON schema and
"wavemap --version" for the version.

# Conventions

Every command follows the same conventions, and a test over the command
list (internal/cli/conventions_test.go) checks each of them for every
command:

  - Flags are GNU style: --long, and -s for those with a short form (-q,
    -h, -j, -t ...); --flag=value or --flag value; flags may come before,
    between or after the file names; "--" ends the flags, so that every
    word after it is a file name, even one starting with "-".
  - -h and --help print the command's help on standard output and exit 0;
    "wavemap help CMD" prints the same.
  - A command-line error (unknown flag, bad value, wrong number of files)
    is printed once on standard error, followed by one line of hint
    ("run 'wavemap CMD --help' for usage"), and the exit code is 2. Every
    numeric flag is checked, with a message naming it.
  - -q (--quiet) leaves nothing on standard error but errors: no progress
    bar, warning or note.
  - --json prints JSON instead of text, one object per line (JSON Lines),
    in the one schema described below.
  - Inputs come first, and the output, for a command that makes one, is the
    last file name.
  - Encoding names are case-insensitive and take the names other tools
    use: s16, S16, int16, s16le, pcm_s16le; f32, float, f32le, pcm_f32le;
    f64, double; u8, pcm_u8; alaw, pcm_alaw; ulaw, mulaw, pcm_mulaw; the
    big-endian s16be ... f64be (pcm_s16be ...).
  - A time range past the end (cut --to, plot --to) stops at the end, with
    a warning, as sox's trim and ffmpeg's -to do.
  - Commands that read many files (info, stats, check, loudness, scan) take
    -j N (files at once; default: the number of cores), go on past a file
    that fails (its error on standard error, an error object in its place
    in --json, exit code 1 at the end) and print in the order the files
    were given.
  - Channels are numbered from 0, as in the library, and named by speaker
    position when the channel mask gives one ("0 FL", "3 LFE"). remix's
    OUT-SPECs are the exception: they keep sox's syntax, which numbers
    channels from 1.

# Pipes

"-" is standard input or output. info, stats, check, loudness, convert,
cut and raw read a WAVE stream from standard input (what ffmpeg -f wav -
and sox -t wav - write, with or without sizes); convert, cut, raw and gen
write one to standard output (with streaming sizes, 0xFFFFFFFF, which
ffmpeg and sox read). Memory stays bounded whatever the length: the
streaming passes hold a few blocks. When standard output carries audio,
the command's summary goes to standard error and --json is refused.
Standard input can be read once: "-" may be given once.

	ffmpeg -i take.flac -f wav - | wavemap stats -
	wavemap convert --to f32 take.wav - | ffmpeg -i - take.flac
	sox big.wav -t wav - | wavemap cut --from 1:00 --to 2:00 - part.wav

# JSON

Every object has "command" (the command's name) and, when it is about one
file, "file" ("-" for standard input). The same objects appear in every
command: "format" (container, encoding, format_tag, extensible, bits,
valid_bits, channels, channel_mask, speakers, sample_rate_hz, frame_bytes),
"channels" (always an array of objects, each with "channel" from 0 and
"speaker" when the mask names it), "range" (from_frame, to_frame,
from_seconds, to_seconds, clamped), "output", "outputs" and "inputs" (each
a file object: file, format, frames, duration_seconds, bytes),
"warnings" (kind, offset_bytes, chunk, message) and "metadata_notes".
Lengths are given as "frames" and "duration_seconds" both. Units are in
the key names (_hz, _seconds, _bytes, _dbfs, _dbtp, _lufs, _lu, _db);
numbers that are not finite (the dBFS of silence) are null; header fields
are shown as the numbers they hold (the 0xFFFFFFFF of streams is
4294967295). "full_scale_samples" (stats, scan) counts samples at the
encoding's extreme values; "clipped_samples" (gain, normalize, convert,
remix) counts samples an operation had to clip: they are different
things. A file that fails gives {"command", "file", "error": {"message"}}
in its place. "wavemap help json" prints the JSON Schema (draft 2020-12)
that every command's output is validated against in the tests. meta
export writes its own document (the metadata of a file, which meta import
reads back), not a --json record.

Every command reads RIFX files (big-endian RIFF, as old Mac and SGI tools
and sox -B write them) as it reads RIFF: their samples are the big-endian
encodings s16be, s24be, s32be, f32be and f64be (u8, alaw and ulaw have no
byte order), edited in place in that order, and outputs made from them
(cut, cat) stay RIFX.

Errors go to standard error as one line, "wavemap COMMAND: FILE: problem".
The exit code is 0 on success, 1 on failure (a file that cannot be read,
a defect check found, a range past the end ...) and 2 on a command-line
error (an unknown flag, a missing argument, a malformed time). An
interrupt (Ctrl-C) or SIGTERM stops the command at its next block of
samples with exit code 130; a second Ctrl-C ends it at once.

When standard error is a terminal and work runs for more than a second, a
progress bar is drawn there and erased at the end; -q turns it off (with
everything else on standard error but errors). It is never drawn when
standard error is not a terminal.

Commands that create a file (convert, cut, cat, raw, gen, plot, peaks,
merge, remix, split) write it to a temporary file beside the output,
".OUT.wavemap-XXXXXXXX.partial", and rename it over the output once it
is complete and on disk. Until then an existing file of that name is
untouched: a failed or interrupted command leaves it as it was (or no
file) and removes its temporary file. split renames its outputs one at a
time, in channel order, once all of them are written: a kill between two
renames leaves the first outputs new and the others old, each of those
with its finished temporary file beside it, which check reports.
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
and listed in --json as "metadata_notes", an array of strings. gain and
normalize change samples only: their notes name the chunks that the
edit leaves describing the old samples. fix changes header fields only
(with --output, it keeps every chunk).

The output must be a regular file or not exist: a FIFO, device, socket or
directory (even through a symlink) is refused before anything is created,
and so is a read-only file, which is kept. A symlink at the output's name
is replaced by the new file; the file it points to is not written. The
output gets the permission bits of the file it replaces or, for a new
file, of the input (a 0600 input gives a 0600 output; gen uses 0666 minus
the umask). An output that is one of the inputs is refused. "-" is
standard output where a command can stream (see Pipes) and is refused
(exit code 2) by the others. gain,
normalize, fix, tag, markers and meta import change their input in place
and fail on a file that cannot be written (a read-only file is refused
even where the system would allow the write, as for root).

Inputs are locked while a command works (advisory locks, see the
library's documentation): gain, normalize, fix, tag, markers and meta
import (but for --dry-run, and tag and markers when they only list) need
a file to themselves, the other commands share it with each other.
A command whose input another wavemap holds in a conflicting way fails
at once with exit code 1 ("file is in use ..."), changing nothing,
instead of losing or mixing edits. An input that is not a regular file
(a named pipe, a device) is refused at once.

# info

	wavemap info [--json] FILE...
	wavemap info --type T --channels N --rate HZ [--offset N] FILE...

Prints, for each file, the container (RIFF, RIFX, RF64, BW64, W64, or raw),
the encoding (u8, s16, s24, s32, f32, f64, alaw, ulaw, and for big-endian
RIFX files s16be, s24be, s32be, f32be, f64be) and format tag, the bits
and valid bits, the channels and channel mask (with speaker positions),
the sample rate, the frames and duration, every chunk with its offset and
size, the LIST/INFO tags, the decoded metadata and the header defects
that were worked around. The metadata sections are printed when the file
has such chunks: bext (every field that is set, the time reference also
as hh:mm:ss.fff at the file's sample rate, the loudness values), iXML
(project, scene, take, tape, note, circled, track names), markers (id,
time, frame, region length, label, note), smpl loops, and the other
metadata chunks with their size and side of the audio. With the raw
flags (see raw) the files are described as headerless samples. --json
prints one object per file with the keys file, container, encoding,
format_tag, extensible, channels, sample_rate, frames, duration_seconds,
bits, valid_bits, channel_mask, speakers, data_offset, data_bytes,
chunks, tags (the first entry of each INFO id), warnings and metadata:

	info      [{id, value}]: every LIST/INFO entry in file order, duplicates kept
	bext      {description, originator, originator_reference,
	          origination_date, origination_time, time_reference (samples),
	          time_reference_time (hh:mm:ss.fff), version, umid (hex, "" when
	          zero), loudness_value, loudness_range, max_true_peak_level,
	          max_momentary_loudness, max_short_term_loudness (LUFS, LU,
	          dBTP; null when not set), coding_history}, or null
	ixml      {document (the XML), version, project, scene, take, tape,
	          note, circled, file_uid, timecode_rate, timecode_flag,
	          timestamp_samples_since_midnight, timestamp_sample_rate,
	          tracks: [{channel_index, interleave_index, name, function}]},
	          or null
	cues      [{id, position (frames), seconds, time, length (frames),
	          length_seconds, label, note, purpose, text}]
	sampler   {manufacturer, product, sample_period, midi_unity_note,
	          midi_pitch_fraction, smpte_format, smpte_offset, loops:
	          [{cue_point_id, type, type_name, start, end, fraction,
	          play_count}], extra_bytes}, or null
	chunks    [{id, list_type, size, after_data}]: the chunks not decoded above
	problems  what could not be decoded (a bext chunk that is too short ...)

# tag

	wavemap tag [--json] FILE...
	wavemap tag [--set KEY=VALUE]... [--delete KEY]... [--dry-run] [--json] FILE...

Without --set or --delete, lists the LIST/INFO entries and the bext
fields of each file under the keys --set takes. With them, gives every
file the same edit, in the order the flags were given. A KEY is a LIST/INFO
id, any four printable ASCII characters taken as they are (INAM, IART,
ICMT, ICRD, IGNR, ISFT, ICOP, IPRD, ITRK, IENG, ISBJ, IKEY ...), an alias
of one, in any case (title INAM, artist IART, comment ICMT, date ICRD,
genre IGNR, software ISFT, copyright ICOP, album IPRD, track ITRK,
engineer IENG; an alias wins over the id it spells, so "date" is ICRD),
or a bext field: bext.description (256 bytes at most),
bext.originator (32), bext.originator_reference (32),
bext.origination_date (10, yyyy-mm-dd), bext.origination_time (8,
hh:mm:ss), bext.time_reference (samples since midnight, "441000", or
hh:mm:ss[.fff] counted at each file's sample rate), bext.coding_history
and bext.umid (hex, up to 64 bytes; a basic UMID of 32 is padded with
zeros). A value longer than its bext field, a NUL in a value or an unknown
key is a usage error (exit code 2) and nothing is written. An INFO entry
set to the empty value is removed, as with --delete; --delete of a bext
field clears it, and --delete bext removes the chunk. Setting a bext field
of a file that has no bext chunk creates one of version 2 whose loudness
values are marked as not measured. INFO values are written as UTF-8.

The edit is written by the library's WriteMetadata: in place, without
moving or writing the audio, whatever the size of the file; chunks that
do not fit where they were move after the audio, and the file may grow
by their size. Each change is printed (-q: nothing is printed); a file
that already holds what was asked is not written. In a Wave64 file the
chunks must fit in room before the audio (nothing may follow Wave64
audio), or the edit is refused; files whose sizes disagree (see fix) are
refused too. A file that fails is
reported on standard error and the others are still edited; the exit
code is then 1. --json prints one object per file, {file, info: [{id,
value}], bext}, with after an edit a report: {dry_run, changed, written,
grew, in_place, tail, moved, removed, notes}.

# markers

	wavemap markers [--json] FILE
	wavemap markers [--add TIME[=LABEL]]... [--region START..END[=LABEL]]... [--delete ID]... [--clear] [--dry-run] [--json] FILE

Lists the cue points of FILE (id, time, frame, region length, label and
note), or edits them: --clear removes them all first, then --delete
removes the cue point ID with its label, note and region, --add adds a
marker and --region a region from START up to END (excluded), in the
order given. Times are written as in cut (seconds, frames with s, or
[hh:]mm:ss.ms); a time past the end of the audio, an empty region or an
id the file does not have is a usage error (exit code 2). A new cue point
gets the smallest id not in use; its label goes in a labl chunk, and a
region is an ltxt of purpose "rgn " holding its length in frames (as
Audacity, REAPER, Sound Forge and Wavelab write them), in LIST/adtl
after the cue chunk. The edit is written as tag's is. --json prints
{file, sample_rate, frames, cues: [{id, position, seconds, time, length,
length_seconds, label, note, purpose, text}]}, with after an edit added
(the new ids) and report.

# meta

	wavemap meta export FILE [OUT.json|-]
	wavemap meta import [--dry-run] [--json] FILE IN.json|-

export writes one JSON document holding every metadata chunk of FILE, to
OUT.json or standard output: info (the LIST/INFO entries, [{id, value}]),
bext (as in info, without time_reference_time), ixml ({document}) and
cues (each with id, position, length, label, note and, where set,
purpose, text, country, language, dialect, code_page, play_position
(default: position), chunk (default "data"), chunk_start and
block_start), each null when FILE has none, and chunks: every other
chunk as {id, after_data, base64}. file, sample_rate and frames describe
FILE. import reads such a document (edited by a script, say) and makes
FILE's metadata what it says, written as tag's edits are: a section
replaces the chunks it decodes, the chunks listed replace all the others,
and whatever the document does not hold (a section that is null or
absent, a chunk that is not listed) is removed from FILE; file,
sample_rate and frames are ignored. Values left as exported keep FILE's
bytes, so that importing an unedited export writes nothing. Unknown keys,
a framing chunk (fmt, data, JUNK ...), a text too long for its field and
a cue past the end of the audio are refused before anything is written.

# stats

	wavemap stats [--json] [-j N] FILE...

Per-channel peak, RMS, DC offset, minimum, maximum and the samples at full
scale (at the encoding's extreme codes; for floats |x| >= 1: samples that
reach full scale, whether or not they clipped), with peak and RMS also in
dBFS, computed in one pass on every core for one file, or -j files at once
for many. Values are on the library's scale (an n-bit integer x is x /
2^(n-1)). "-" reads a WAVE stream from standard input. --json prints one
object per file: command, file, format, frames, duration_seconds and
channels: [{channel (from 0), speaker, peak, peak_dbfs, rms, rms_dbfs, dc,
min, max, full_scale_samples, samples}]; dBFS of silence and non-finite
values are null.

# loudness

	wavemap loudness [--json] [--series] [--no-true-peak] [--write-bext] FILE...

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
short-term loudness every 100 ms. --write-bext writes the measurement
into the file's bext chunk, in place (only the metadata is written; the
chunk is added, as version 2, when the file has none, and an older one
becomes version 2, its other fields kept): the loudness fields of EBU
Tech 3285 v2, LoudnessValue, LoudnessRange, MaxTruePeakLevel,
MaxMomentaryLoudness and MaxShortTermLoudness, in 0.01 units (0x7FFF for
a value the measurement does not define, such as the true peak with
--no-true-peak); with --json the object gets bext_loudness: {version,
loudness_value_lufs, loudness_range_lu, max_true_peak_level_dbtp,
max_momentary_loudness_lufs, max_short_term_loudness_lufs}, as written.

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
	wavemap normalize --lufs LUFS [--true-peak DBTP|none] [--write-bext] [--dry-run] [--no-journal] [--discard-journal] FILE

Change the level of FILE in place (a read-write map: no copy is made),
counting the samples that clip; integer results are rounded to nearest,
ties to even. normalize makes two passes: one to find the peak, one to
scale it to --peak (default -1 dBFS). --dry-run only reports. Like cp, sox
and ffmpeg they leave writing the changed pages to disk to the kernel;
--sync waits until they are on stable storage (msync + fsync) and reports
write-back errors. --json keys: the head (command, file, format, frames,
duration_seconds), factor, gain_db, clipped_samples, dry_run,
metadata_notes (normalize adds peak_before_dbfs, target_dbfs and silent).

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
rerun finishes an interrupted edit). --write-bext (not in a dry run)
measures the file once more after the gain and writes that measurement,
the loudness of the normalized file as its samples now are, into its
bext chunk as loudness --write-bext does (--json: bext_loudness).

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
--container (same, the default, keeps IN's RF64, BW64 or Wave64). A RIFX
(big-endian) input converts to little-endian RIFF: --to s16 means s16;
--to s16be (s24be, s32be, f32be, f64be) or --container rifx writes RIFX,
which holds 4 GiB at most. The metadata chunks of a RIFX input, whose
fields are big-endian, are left out of a little-endian output, with a
note. The
metadata chunks are kept, but for those that describe the old samples (an
MD5 of the audio, a levl peak envelope), which are removed, and bext's
loudness fields, which are cleared. IN or OUT may be "-" (see Pipes).
--json keys: the head of IN, output (a file object: file, format, frames,
duration_seconds, bytes), clipped_samples, metadata_notes.

# cut

	wavemap cut [--from T] [--to T] [--container C] [--json] IN OUT

Copies the frames from --from (default the start) up to, not including,
--to (default the end) into OUT, in the format of IN. A time T is seconds
("1.5"), a count of frames followed by s as in sox ("72000s"), or
[hh:]mm:ss.ms ("00:01:02.500"); seconds are rounded to the nearest frame.
The output keeps an RF64, BW64, Wave64 or RIFX input's container
(--container same, the default); otherwise it is RIFF, or RF64 past 4 GiB.
A RIFX input's metadata chunks are copied as they are (their fields are
big-endian, and not moved to the range). The
metadata chunks are kept, with their positions moved to the range: cue
points outside it dropped, the others and bext's time reference moved by
--from. A --to past the end stops at the end with a warning (the range in
--json says "clamped"); a --from past the end is an error. IN or OUT may be
"-" (see Pipes): from a stream, the frames before --from are read and
dropped. --json keys: the head of IN, range, output, metadata_notes.

# cat

	wavemap cat [--container C] [--json] IN... OUT

Joins the inputs, which must have the same encoding, channels, sample
rate and valid bits, into OUT. Channel masks must agree, but a plain
header (no mask) joins an EXTENSIBLE one, as sox and ffmpeg join them,
with a note; OUT has the first input's header. OUT gets the metadata chunks
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
left out. A big-endian --type (s16be, s24be, s32be, f32be, f64be) wraps
the samples in RIFX. The second form writes the samples of a WAVE file,
without any header, to OUT.raw, in the file's byte order. IN and OUT may
be "-" (see Pipes); --trailer needs the end of the input and is refused
for standard input.

# gen

	wavemap gen [-t T] [-c N] [-r HZ] -d S | --frames N [--signal sine|noise|silence] [--freq HZ] [--amp A] OUT.wav|-

Creates a file of any size, filled through the memory map on every core,
or writes the stream to standard output ("-"). --container rifx writes
big-endian RIFX (--type s16 then means s16be). Every numeric flag is
checked: --channels 1 to 65535, a positive --rate, --amp 0 to 1 (1 is
full scale; nothing is clipped), --freq up to half the rate.

# plot

	wavemap plot [--width W] [--height H] [--from T] [--to T] IN OUT.png

Draws the waveform of IN as a PNG picture of the given size (default
1600x400): for every pixel column the minimum and maximum of the samples
it covers, one lane per channel labelled with its number from 0 and its
speaker position ("0 FL", "3 LFE"), a dBFS scale (0, -6 and -20 dBFS
where they fall on the linear lane), the file name as the title and a
time axis whose labels all fit inside the picture. Values past full scale
are marked in red. --from and --to draw a window (times as for cut; --to
past the end stops at the end, with a warning). PNG is the only format
written: OUT must end in .png (any other name is a usage error). The
overview is computed in one pass over the window.

# peaks

	wavemap peaks [-z N | --pixels-per-second N] [-b 8|16 | --precision full] [--split-channels] IN OUT.dat|OUT.json

Writes waveform data for peaks.js, wavesurfer.js and waveform-data: for
every pixel of N frames (default 256) the minimum and maximum of the
samples, of each channel with --split-channels and of their mixdown
otherwise, byte for byte as BBC audiowaveform 1.10.3 writes them (.dat
version 1 for one channel and 2 otherwise, or JSON), on every core. Any
channel count is taken; above 24 channels, the most peaks.js draws, a
warning is printed.

--precision full, a wavemap extension, writes the same JSON layout with
the values in the source's own resolution: integers as stored (8, 16, 24
or 32 bits, as "bits" says; u8 less 128, A-law and mu-law decoded to 16
bits) or floats for float files, and "precision": "full". It needs a
.json output, and --split-channels for a file of several channels.

# serve

	wavemap serve [--addr HOST:PORT] [--public] [--cache DIR | --no-cache] FILE...

Serves a waveform viewer of the files at http://HOST:PORT/ (default
127.0.0.1:8080) until interrupted (Ctrl-C), then stops cleanly, exit code
0. The page, compiled into the program, shows an overview of the whole
file and a detail view, one lane per channel named after the speaker
positions of the channel mask, with a time ruler and the metadata that
info shows; the wheel, a trackpad pinch, two fingers or the + and - keys
zoom around the pointer, down to single samples, and dragging moves the
view. It does not play audio.

Every picture is exact: the minimum and maximum of the samples under
each device pixel, answered from a min/max pyramid of the file (built in
one pass the first time, and kept in a cache file in the user's cache
folder, or --cache DIR, which is rebuilt when the audio file's size or
modification time changes) or, when zoomed in closer than its 256 frames
per entry, from the mapped samples.

The API the page uses is there for other clients: GET /api/files,
/api/info?f=FILE (info --json's object), /api/peaks?f=FILE&start=&end=
&px=[&ch=][&format=json] (exactly px minimum/maximum pairs over the
frames [start, end), as an audiowaveform .dat version 2 body or JSON),
and /f.dat?f=FILE&z=N, the bytes 'wavemap peaks -z N' writes, for
peaks.js. FILE is an index or a name exactly as given on the command
line; nothing else is served. Only a loopback address is accepted, and
only requests naming this machine, unless --public. A file changed on
disk while served (truncated, rewritten, replaced) gets errors (409),
never a crash.

# split, merge and remix

	wavemap split [--channels 0,2-3] IN [OUT|DIR]
	wavemap merge [--pad] [--mask 0x3f|FL,FR,...] [--no-mask] IN... OUT
	wavemap remix [-a|-m|-p] [--to ENC] [--mask M] IN OUT OUT-SPEC...

Channel operations in one parallel pass over the mapped files. split
writes one mono file per channel (--channels picks some, numbered from 0),
named IN.LABEL.wav (or OUT.LABEL.wav, or in DIR) where LABEL is the
channel's iXML track name, else its speaker position (FL, LFE ...), else
its number; samples are copied byte for byte and each output keeps its
channel's speaker bit as its mask, as ffmpeg's channelsplit does. merge
puts the channels of the inputs (same encoding and rate), in order, in one
file: unequal lengths are refused unless --pad pads the shorter inputs
with silence; the mask is --mask, or the inputs' positions when they are
distinct, or sox's default layout for the count, so that split then merge
gives the original back byte for byte. remix writes channels made from
IN's with sox's remix syntax (OUT-SPECs numbered from 1, as sox numbers
them: "1v0.5,2v0.5" mixes, "0" is silence, "3-4" a range; -a, -m and -p
choose sox's automatic, manual or power scaling), computed in float64,
written in --to's encoding (default IN's), clipped samples counted. Every
output keeps the input's metadata chunks, with the iXML track list
rebuilt for the channels kept and MD5, levl and chna removed (notes say
so). --json prints the input, the outputs (file objects whose channels
say which input channel each is made of) and clipped_samples for remix.

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

# scan

	wavemap scan [--csv] [--shard I/N] [-j N] [--ext LIST] [--loudness] [--silence-threshold DBFS] PATH...

Walks the folders given (a file given is scanned whatever its name) and
writes one record per file with an extension of --ext (wav, wave, bwf,
rf64, w64 by default, any case): JSON lines in the schema of 'wavemap
help json' (command "scan": the format, frames and duration; per channel
peak_dbfs, rms_dbfs, dc, min, max, full_scale_samples, full_scale_runs
(runs of at least 3 consecutive full-scale samples, the mark of
clipping) and longest_full_scale_run_samples; for the file the same
totals, non_finite_samples, silent, leading_silence_seconds and
trailing_silence_seconds below --silence-threshold (-60 dBFS), defects
(the kinds of the header warnings check reports, "interrupted-edit",
"non-finite-samples") and warnings; integrated_lufs and true_peak_dbtp
with --loudness), or with --csv a fixed header row and one row per file:

	file,error,container,encoding,channels,sample_rate_hz,frames,duration_seconds,
	peak_dbfs,rms_dbfs,max_abs_dc,full_scale_samples,full_scale_runs,
	longest_full_scale_run_samples,non_finite_samples,silent,
	leading_silence_seconds,trailing_silence_seconds,integrated_lufs,
	true_peak_dbtp,defects

(one line; the JSON keys of the same names, for the whole file: the
largest channel peak, the RMS of all samples, the largest DC offset;
-inf, inf and nan for numbers JSON has as null; defects joined by ';';
empty cells for what was not measured, and in the row of a failure
everything but file and error).
Files run on all cores (-j), in the order of the PATHs and, below each
folder, in the byte order of their relative paths, whatever -j. Links to
folders met in the walk are not followed. A file that cannot be scanned,
a folder that cannot be read and a PATH that does not exist give an error
record in their place (the row's error column in CSV) and a line on
standard error; the scan goes on and exits 1.

--shard I/N scans the files whose FNV-1a 64 hash of the path relative to
their PATH, modulo N, is I: the N shards are disjoint, cover the tree, keep
a file in its shard as others come and go, and merge with cat. Failures of
the walk (a missing PATH, an unreadable folder) are reported by every
shard.

# fix

	wavemap fix [--dry-run] [--truncate] [--trailing-audio] FILE...
	wavemap fix [--dry-run] [--trailing-audio] --output NEW.wav FILE

Repairs the header in place: a RIFF size that does not match the file,
a data size past the end of the file, left at a streaming placeholder (0
or 0xFFFFFFFF) by a recorder that crashed, or stopping short of audio
that the file holds, RF64 ds64 sizes and fact frame counts; a block align
that disagrees with the channels and bits and a byte rate that is not
the sample rate times the block align; 24 bits per sample in 4-byte
slots, which become 32 (the samples as wavemap reads them, which sox,
ffmpeg and libsndfile then read the same way); and the pad byte missing
after an odd-sized chunk at the very end of the file, which it adds. A
RIFF file past 4 GiB whose 32-bit sizes wrapped becomes RF64 in place
when a JUNK chunk of 28 bytes or more follows the RIFF header (where the
ds64 chunk goes); without that room fix refuses it and says to use
--output. It never shrinks a size over bytes the file holds: where the
data size is stale, the audio is taken to go on when the bytes after it
start no chunk and the RIFF (ds64, Wave64) size counts them. Bytes that
no size counts but that run to the end of the file in whole frames (a
recorder that rewrites its header every few seconds, killed before the
next rewrite) are taken as audio only with --trailing-audio: sox, ffmpeg
and libsndfile read them as junk, and real files do carry junk after
correctly sized audio. --truncate cuts what ends the file but is neither
audio nor a chunk: such junk, and a partial frame at the end of the
audio (a file cut mid-frame); without it fix leaves them. It prints each
change (offset, old and new value, why: which reading of the file it
chose) before making it, a change of the file's length as "file length
OLD -> NEW", then each problem the changes leave ("left as is: warning
KIND at byte N: ... (why, and the flag that mends it)"), which check
will go on reporting; --dry-run prints them and writes nothing. No byte
outside the fields changes but a pad byte.

--output NEW.wav writes a repaired copy instead, leaving FILE as it is:
the whole frames wavemap reads, in RIFF (RF64 when the audio needs 64-bit
sizes, the container of FILE for RF64, BW64 and Wave64), with every other
chunk kept byte for byte on its side of the data, but one that the end
of the file cuts short. It mends what no field can: a wrapped RIFF file
without room for a ds64 chunk, a pad byte missing inside the file, a
partial frame before another chunk, a second fmt or data chunk. The
audio is copied by the kernel (copy_file_range on Linux), and the holes
of a sparse file stay holes. The copy is made under a temporary name and
renamed when complete, as every output is.

Exit code 0 when there was nothing to fix or everything was fixed and
check will pass on the file (or the copy), 1 when a file could not be
read or repaired or a problem is left (with --dry-run: would be left).
*/
package main
