package loudness

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// BS.1770-4/-5 Annex 1, Tables 1 and 2: the K-weighting stages at 48 kHz.
var (
	table1 = Biquad{B0: 1.53512485958697, B1: -2.69169618940638, B2: 1.19839281085285, A1: -1.69065929318241, A2: 0.73248077421585}
	table2 = Biquad{B0: 1, B1: -2, B2: 1, A1: -1.99004745483398, A2: 0.99007225036621}
)

func TestKWeighting48k(t *testing.T) {
	shelf, hp := KWeighting(48000)
	for _, c := range []struct {
		name      string
		got, want Biquad
	}{{"pre-filter (Table 1)", shelf, table1}, {"RLB high-pass (Table 2)", hp, table2}} {
		g := []float64{c.got.B0, c.got.B1, c.got.B2, c.got.A1, c.got.A2}
		w := []float64{c.want.B0, c.want.B1, c.want.B2, c.want.A1, c.want.A2}
		for i := range g {
			if d := math.Abs(g[i] - w[i]); d > 1e-8 {
				t.Errorf("%s: coefficient %d is %.17g, BS.1770 gives %.14g (off by %.3g)", c.name, i, g[i], w[i], d)
			}
		}
	}
}

// kResponseDB is the K-weighting's gain in dB at f for rate.
func kResponseDB(f, rate float64) float64 {
	s, h := KWeighting(rate)
	return 20 * math.Log10(s.Response(f, rate)*h.Response(f, rate))
}

// TestKWeightingRates checks that the coefficients derived for other
// rates give the 48 kHz response: the same gain at every frequency up to
// a fifth of the rate, and a 997 Hz tone at -3.01 LKFS. From 32 kHz up
// both hold to about 0.01 dB; below, the bilinear transform's warping of the
// shelf (whose corner, 1682 Hz, comes closer to the Nyquist frequency)
// shows, and the test states how much.
func TestKWeightingRates(t *testing.T) {
	for _, c := range []struct {
		rate, tol float64
	}{
		{8000, 0.25}, {11025, 0.13}, {16000, 0.07}, {22050, 0.035}, {32000, 0.011}, {44100, 0.01}, {48000, 0.01},
		{88200, 0.01}, {96000, 0.01}, {176400, 0.01}, {192000, 0.01}, {384000, 0.01},
	} {
		worst, at := 0.0, 0.0
		for f := 20.0; f <= min(16000, c.rate/5); f *= 1.02 {
			d := math.Abs(kResponseDB(f, c.rate) - kResponseDB(f, 48000))
			if d > worst {
				worst, at = d, f
			}
		}
		if worst > c.tol {
			t.Errorf("%g Hz: response differs from 48 kHz by %.4f dB at %.0f Hz", c.rate, worst, at)
		}
		// A full-scale 997 Hz sine has a mean square of 1/2.
		l := LUFS(0.5 * math.Pow(10, kResponseDB(997, c.rate)/10))
		if math.Abs(l-(-3.01)) > c.tol {
			t.Errorf("%g Hz: a 0 dBFS 997 Hz sine reads %.4f LKFS, want -3.01", c.rate, l)
		}
	}
}

// TestKFilterMatchesResponse runs the filter kernel over a sine and
// compares the mean square of its output with the response.
func TestKFilterMatchesResponse(t *testing.T) {
	for _, rate := range []float64{44100, 48000, 96000} {
		for _, f := range []float64{50, 997, 5000, 15000} {
			c := newKCoeffs(rate)
			var st kState
			n := int(rate) * 2
			x := make([]float64, n)
			for i := range x {
				x[i] = math.Sin(2 * math.Pi * f * float64(i) / rate)
			}
			kweightSquares(&c, &st, x[:n/2]) // settle
			got := 10 * math.Log10(kweightSquares(&c, &st, x[n/2:])/float64(n/2)/0.5)
			if want := kResponseDB(f, rate); math.Abs(got-want) > 0.01 {
				t.Errorf("%g Hz, %g Hz tone: filter gain %.4f dB, response %.4f dB", rate, f, got, want)
			}
		}
	}
}

// phaseResponse is the response at f (cycles per sample) of taps c, tap
// k multiplying x[i-before+k], relative to position i.
func phaseResponse(c []float64, before int, f float64) complex128 {
	var h complex128
	for k, v := range c {
		h += complex(v, 0) * cmplx.Exp(complex(0, 2*math.Pi*f*float64(k-before)))
	}
	return h
}

// TestInterpolatorPassband checks the figures truepeak.go documents:
// each phase is within 0.01 dB (a complex error below 0.12%) of the
// ideal fractional delay from 0 to 0.3 fs, within 0.06 dB in magnitude
// up to 0.35 fs and 1.05 dB up to 0.4 fs, and has unit gain at 0 Hz.
func TestInterpolatorPassband(t *testing.T) {
	for _, ip := range []*interpolator{interp2, interp4} {
		for p, c := range ip.phases {
			d := float64(p+1) / float64(ip.factor)
			var cplx, mag35, mag40 float64
			for f := 0.0; f <= 0.4+1e-9; f += 0.0005 {
				h := phaseResponse(c[:], tpBefore, f)
				m := math.Abs(20 * math.Log10(cmplx.Abs(h)))
				if f <= 0.3+1e-9 {
					cplx = max(cplx, cmplx.Abs(h-cmplx.Exp(complex(0, 2*math.Pi*f*d))))
				}
				if f <= 0.35+1e-9 {
					mag35 = max(mag35, m)
				}
				mag40 = max(mag40, m)
			}
			if cplx > 0.0012 || 20*math.Log10(1+cplx) > 0.01 || mag35 > 0.06 || mag40 > 1.05 {
				t.Errorf("factor %d, phase %g: error %.3g (%.4f dB) up to 0.3 fs, %.4f dB up to 0.35 fs, %.4f dB up to 0.4 fs",
					ip.factor, d, cplx, 20*math.Log10(1+cplx), mag35, mag40)
			}
			sum := 0.0
			for _, v := range c {
				sum += v
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("factor %d, phase %g: DC gain %.15g", ip.factor, d, sum)
			}
		}
	}
	if Oversampling(44100) != 4 || Oversampling(95999) != 4 || Oversampling(96000) != 2 || Oversampling(191999) != 2 || Oversampling(192000) != 1 {
		t.Error("Oversampling does not follow BS.1770 Annex 2's rates")
	}
}

// TestTruePeakSines measures tones whose peaks fall between the samples:
// the interpolator finds them to within its pass-band error.
func TestTruePeakSines(t *testing.T) {
	for _, rate := range []int{44100, 48000, 96000} {
		for _, f := range []float64{997, 5000, float64(rate) / 8, float64(rate) / 6, float64(rate) / 4} {
			a, err := NewAnalyzer(Config{Rate: rate, Channels: 1, Weights: []float64{1}, Oversampling: 4}, 0, -1, nil)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float64, rate/2)
			fade := rate / 100 // 10 ms: an abrupt start or end would ring
			for i := range x {
				g := min(1, float64(i)/float64(fade), float64(len(x)-1-i)/float64(fade))
				x[i] = 0.5 * g * math.Sin(2*math.Pi*f*float64(i)/float64(rate)+0.3)
			}
			a.Feed(x)
			a.Finish(nil)
			// With 4 values per sample, a peak is at most 1/8 sample
			// away from one of them.
			under := math.Cos(2 * math.Pi * f / float64(rate) / 8)
			if got := a.TruePeak[0]; got > 0.5*1.0006 || got < 0.5*under*0.9994 {
				t.Errorf("%d Hz, %.0f Hz tone: true peak %.6f, want 0.5 (at least %.6f)", rate, f, got, 0.5*under)
			}
		}
	}
}

// feedAll measures x (interleaved, ch channels) as runs of seg hops
// with warm frames of warm-up, and returns the hop sums and each
// channel's true peak.
func feedAll(t *testing.T, cfg Config, x []float64, seg, warm int) (totals []float64, sums [][]float64, tp, sp []float64) {
	t.Helper()
	ch := cfg.Channels
	hop := Hop(cfg.Rate)
	n := len(x) / ch
	nh := n / hop
	totals = make([]float64, nh)
	sums = make([][]float64, nh)
	tp = make([]float64, ch)
	sp = make([]float64, ch)
	emit := func(h int64, total float64, c []float64) {
		if h >= int64(nh) {
			t.Fatalf("hop %d past the last complete one", h)
		}
		totals[h] = total
		sums[h] = append([]float64(nil), c...)
	}
	step := min(seg, n/hop+1) * hop // no overflow on 32-bit builds
	for start := 0; start < n; start += step {
		end := min(n, start+step)
		a, err := NewAnalyzer(cfg, int64(start), int64(end), emit)
		if err != nil {
			t.Fatal(err)
		}
		w := max(0, start-warm)
		a.Warm(x[w*ch : start*ch])
		for at := start; at < end; at += hop {
			a.Feed(x[at*ch : min(end, at+hop)*ch])
		}
		a.Finish(x[end*ch : min(n, end+TruePeakTaps/2)*ch])
		for c := range ch {
			tp[c] = max(tp[c], a.TruePeak[c])
			sp[c] = max(sp[c], a.SamplePeak[c])
		}
	}
	return totals, sums, tp, sp
}

// TestAnalyzerRuns measures a signal in one run and in runs of a few
// hops with a warm-up: the hop sums agree to rounding, the peaks
// exactly.
func TestAnalyzerRuns(t *testing.T) {
	const rate, ch = 48000, 3
	rng := rand.New(rand.NewPCG(1, 2))
	n := 10*rate + 1234
	x := make([]float64, n*ch)
	for i := range x {
		x[i] = rng.NormFloat64() * 0.2 * (1 + math.Sin(float64(i/ch)/3000))
	}
	cfg := Config{Rate: rate, Channels: ch, Weights: []float64{1, 1, 1.41}, Oversampling: 4}
	t1, s1, tp1, sp1 := feedAll(t, cfg, x, 1<<30, 0)
	for _, seg := range []int{1, 7, 25} {
		t2, s2, tp2, sp2 := feedAll(t, cfg, x, seg, rate/2)
		for h := range t1 {
			if d := math.Abs(t2[h]-t1[h]) / t1[h]; d > 1e-12 {
				t.Fatalf("runs of %d hops: hop %d total %.17g, one run %.17g", seg, h, t2[h], t1[h])
			}
			for c := range ch {
				if d := math.Abs(s2[h][c]-s1[h][c]) / s1[h][c]; d > 1e-12 {
					t.Fatalf("runs of %d hops: hop %d channel %d sum %.17g, one run %.17g", seg, h, c, s2[h][c], s1[h][c])
				}
			}
		}
		for c := range ch {
			if tp2[c] != tp1[c] || sp2[c] != sp1[c] {
				t.Errorf("runs of %d hops: channel %d peaks %v/%v, one run %v/%v", seg, c, sp2[c], tp2[c], sp1[c], tp1[c])
			}
		}
	}
}

// TestAnalyzerNonFinite: NaN and infinite samples count as silence and
// are counted.
func TestAnalyzerNonFinite(t *testing.T) {
	a, _ := NewAnalyzer(Config{Rate: 8000, Channels: 2, Weights: []float64{1, 1}, Oversampling: 4}, 0, -1, nil)
	b, _ := NewAnalyzer(Config{Rate: 8000, Channels: 2, Weights: []float64{1, 1}, Oversampling: 4}, 0, -1, nil)
	var gotA, gotB []float64
	a.emit = func(_ int64, total float64, _ []float64) { gotA = append(gotA, total) }
	b.emit = func(_ int64, total float64, _ []float64) { gotB = append(gotB, total) }
	x := make([]float64, 20000)
	y := make([]float64, 20000)
	for i := range x {
		x[i] = 0.5 * math.Sin(float64(i))
		y[i] = x[i]
	}
	x[10], x[11], x[501] = math.NaN(), math.Inf(1), math.Inf(-1)
	y[10], y[11], y[501] = 0, 0, 0
	a.Feed(x)
	a.Finish(nil)
	b.Feed(y)
	b.Finish(nil)
	if a.NonFinite[0] != 1 || a.NonFinite[1] != 2 {
		t.Errorf("non-finite counts %v, want [1 2]", a.NonFinite)
	}
	for i := range gotA {
		if gotA[i] != gotB[i] {
			t.Fatalf("hop %d: %v with non-finite samples, %v with zeros", i, gotA[i], gotB[i])
		}
	}
	if a.TruePeak[0] != b.TruePeak[0] || a.SamplePeak[1] != b.SamplePeak[1] {
		t.Errorf("peaks %v %v, with zeros %v %v", a.SamplePeak, a.TruePeak, b.SamplePeak, b.TruePeak)
	}
}

// TestCompute checks the gating on hand-made hop sums.
func TestCompute(t *testing.T) {
	const hop = 10
	level := func(l float64) float64 { return energyOf(l) * hop } // a hop's sum at loudness l
	sums := func(levels ...float64) func(int) float64 {
		return func(h int) float64 { return level(levels[h]) }
	}
	// 100 hops at -20: everything is -20, no range.
	flat := make([]float64, 100)
	for i := range flat {
		flat[i] = -20
	}
	r := Compute(sums(flat...), len(flat), hop, true)
	if math.Abs(r.Integrated+20) > 1e-9 || r.Range != 0 || math.Abs(r.MomentaryMax+20) > 1e-9 || math.Abs(r.ShortTermMax+20) > 1e-9 {
		t.Errorf("flat -20: %+v", r)
	}
	if len(r.Momentary) != 97 || len(r.ShortTerm) != 71 {
		t.Errorf("flat: %d momentary and %d short-term values, want 97 and 71", len(r.Momentary), len(r.ShortTerm))
	}
	// Half at -20, half at -75: the quiet half is below the absolute
	// gate, and the blocks straddling the edge count with their mean.
	mixed := make([]float64, 200)
	for i := range mixed {
		mixed[i] = -20
		if i >= 100 {
			mixed[i] = -200
		}
	}
	r = Compute(sums(mixed...), len(mixed), hop, false)
	// Blocks 0..96 are at -20; 97, 98, 99 hold 3, 2 and 1 hops of it:
	// -21.25, -23.01 and -26.02 dB, all above -30 (the relative gate).
	want := LUFS((97*energyOf(-20) + energyOf(-20)*(0.75+0.5+0.25)) / 100)
	if math.Abs(r.Integrated-want) > 1e-9 {
		t.Errorf("half silent: integrated %.6f, want %.6f", r.Integrated, want)
	}
	// Nothing: -Inf, no range.
	r = Compute(func(int) float64 { return 0 }, 50, hop, false)
	if !math.IsInf(r.Integrated, -1) || r.Range != 0 || !math.IsInf(r.MomentaryMax, -1) || !math.IsInf(r.ShortTermMax, -1) {
		t.Errorf("silence: %+v", r)
	}
	// Three hops: shorter than a block.
	r = Compute(sums(-20, -20, -20), 3, hop, true)
	if !math.IsInf(r.Integrated, -1) || len(r.Momentary) != 0 {
		t.Errorf("three hops: %+v", r)
	}
}

// annexTable is the interpolator of ITU-R BS.1770-4 Annex 2 (its table
// of 4 phases of 12 coefficients, phase p giving the oversampled value
// 4n+p as Σ_k h_p[k]·x[n-k]), for TestAnnexFilter.
var annexTable = [4][12]float64{
	{0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
		0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500},
	{-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
		0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375},
	{-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
		0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875},
	{-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
		0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750},
}

// TestAnnexFilter checks what truepeak.go says of the Annex's own
// filter, against which this package's was designed: its phases are
// mirror images in pairs (no phase is the input sample itself), their
// gains at 0 Hz are 1.0016 and 0.9730, they stay within 0.24 dB of unit
// gain up to 0.417 fs (20 kHz at 48 kHz), and a tone at fs/4 reads up to
// 0.22 dB high through them; this package's filter reads it at most
// 0.01 dB high.
func TestAnnexFilter(t *testing.T) {
	for p := range 4 {
		for k := range 12 {
			if annexTable[p][k] != annexTable[3-p][11-k] {
				t.Fatalf("phase %d tap %d is not phase %d's tap %d", p, k, 3-p, 11-k)
			}
		}
	}
	worst := 0.0
	for p, h := range annexTable {
		dc := 0.0
		for _, v := range h {
			dc += v
		}
		want := 1.0016
		if p == 1 || p == 2 {
			want = 0.9730
		}
		if math.Abs(dc-want) > 0.00005 {
			t.Errorf("phase %d: gain %.5f at 0 Hz, want %.4f", p, dc, want)
		}
		for f := 0.0; f <= 0.417; f += 0.0005 {
			worst = max(worst, math.Abs(20*math.Log10(cmplx.Abs(phaseResponse(h[:], 0, f)))))
		}
	}
	if worst > 0.24 || worst < 0.23 {
		t.Errorf("the Annex's phases are within %.4f dB of unit gain up to 0.417 fs, want 0.23-0.24", worst)
	}
	// A 1.0 tone at fs/4, at phases 0 to 90 degrees in steps of 1.
	over := func(read func(x []float64) float64) float64 {
		hi := 0.0
		for deg := 0; deg <= 90; deg++ {
			x := make([]float64, 64)
			for i := range x {
				x[i] = math.Sin(math.Pi/2*float64(i) + float64(deg)*math.Pi/180)
			}
			hi = max(hi, 20*math.Log10(read(x)))
		}
		return hi
	}
	annex := over(func(x []float64) float64 {
		m := 0.0
		for n := 11; n < len(x); n++ {
			for _, h := range annexTable {
				s := 0.0
				for k, v := range h {
					s += v * x[n-k]
				}
				m = max(m, math.Abs(s))
			}
		}
		return m
	})
	ours := over(func(x []float64) float64 {
		return allPhasesGo(interp4, x, tpBefore, len(x)-tpAfter, 0, false)
	})
	if annex < 0.21 || annex > 0.23 || ours > 0.01 {
		t.Errorf("a 0 dBFS tone at fs/4 reads up to %+.4f dB through the Annex's filter (want +0.22), %+.4f dB through this package's", annex, ours)
	}
	t.Logf("fs/4 tone: Annex filter up to %+.4f dB, this package's up to %+.4f dB; the Annex's phases within %.4f dB up to 0.417 fs", annex, ours, worst)
}
