// Reads a .dat and a .json waveform file with BBC's waveform-data
// (npm, 4.5.x) and checks them against the expected values that the Go
// test (TestPeaksWaveformData) wrote: channels, length, sample rate,
// scale, bits and every channel's min and max arrays.
// usage: node waveformdata_check.js MODULE_DIR FILE.dat FILE.json EXPECTED.json
const path = require("path");
const fs = require("fs");
const WaveformData = require(path.join(process.argv[2], "waveform-data"));
const [dat, json, expectedPath] = process.argv.slice(3);
const want = JSON.parse(fs.readFileSync(expectedPath, "utf8"));
function check(name, w) {
  const fail = (msg) => { console.error(name + ": " + msg); process.exit(1); };
  if (w.channels !== want.channels) fail(`channels ${w.channels}, want ${want.channels}`);
  if (w.length !== want.length) fail(`length ${w.length}, want ${want.length}`);
  if (w.sample_rate !== want.sample_rate) fail(`sample_rate ${w.sample_rate}, want ${want.sample_rate}`);
  if (w.scale !== want.samples_per_pixel) fail(`scale ${w.scale}, want ${want.samples_per_pixel}`);
  if (w.bits !== want.bits) fail(`bits ${w.bits}, want ${want.bits}`);
  for (let c = 0; c < w.channels; c++) {
    const ch = w.channel(c);
    const mins = ch.min_array(), maxs = ch.max_array();
    for (let i = 0; i < w.length; i++) {
      const lo = want.data[(i * w.channels + c) * 2], hi = want.data[(i * w.channels + c) * 2 + 1];
      if (mins[i] !== lo || maxs[i] !== hi) fail(`channel ${c} pixel ${i}: ${mins[i]}..${maxs[i]}, want ${lo}..${hi}`);
    }
  }
}
const b = fs.readFileSync(dat);
check("dat", WaveformData.create(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
check("json", WaveformData.create(JSON.parse(fs.readFileSync(json, "utf8"))));
console.log("ok");
