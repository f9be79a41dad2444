package images

import (
	"bufio"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// measureEnv turns on TestWorstAllowedImage, which takes a minute and
// a few gigabytes of files and memory: it is a measurement to repeat
// when the limits or the resizing change, not a test for every run.
const measureEnv = "NEWSDESK_MEASURE_IMAGES"

// childEnv names the file a child process measures.
const childEnv = "NEWSDESK_MEASURE_IMAGE_FILE"

// The worst allowed picture: the most pixels within DefaultMaxPixels
// at a camera's 3:2.
const worstW, worstH = 6000, 4000

type measurement struct {
	Millis     int64  `json:"ms"`
	PeakHeap   uint64 `json:"peak_heap"`
	TotalAlloc uint64 `json:"total_alloc"`
	PeakRSS    uint64 `json:"peak_rss"`
	Err        string `json:"err,omitempty"`
}

// TestWorstAllowedImage measures, for the costliest file of each format
// within the default limits, how long Process takes and how much memory
// it holds at its peak: the heap in use (sampled every millisecond) and
// the process's resident set's high-water mark (VmHWM, Linux only). Each file is processed in a child
// process of its own, so that one's memory does not count in another's.
//
//	NEWSDESK_MEASURE_IMAGES=1 go test -run TestWorstAllowedImage -v ./images/
func TestWorstAllowedImage(t *testing.T) {
	if os.Getenv(measureEnv) == "" {
		t.Skipf("a measurement, not a test: set %s=1 to run it", measureEnv)
	}
	dir := t.TempDir()
	type file struct{ name, path string }
	var files []file
	write := func(name string, data []byte) {
		p := filepath.Join(dir, strings.NewReplacer(" ", "-", "/", "-").Replace(name))
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file{name, p})
	}
	pic := photo(worstW, worstH)
	write("baseline JPEG 4:2:0 (image/jpeg)", encodeJPEG(t, pic))
	if cjpeg, err := exec.LookPath("cjpeg"); err == nil {
		// A progressive JPEG without chroma subsampling is the costliest
		// JPEG to decode: image/jpeg keeps every coefficient of every
		// component (4 bytes a sample) until the last scan. image/jpeg
		// writes neither, so libjpeg's cjpeg makes it from a PPM.
		ppm := filepath.Join(dir, "photo.ppm")
		writePPM(t, ppm, pic)
		out := filepath.Join(dir, "progressive.jpg")
		if b, err := exec.Command(cjpeg, "-quality", "90", "-sample", "1x1", "-progressive", "-outfile", out, ppm).CombinedOutput(); err != nil {
			t.Fatalf("cjpeg: %v\n%s", err, b)
		}
		data, _ := os.ReadFile(out)
		os.Remove(ppm)
		write("progressive JPEG 4:4:4 (cjpeg)", data)
	} else {
		t.Logf("no cjpeg (Debian's libjpeg-turbo-progs): the progressive JPEG is not measured")
	}
	pic = nil
	write("tall JPEG 1500×16000", encodeJPEG(t, photo(1500, 16000)))
	write("PNG 16-bit RGBA, Adam7", interlacedPNG(quadrants(worstW, worstH)))
	write("WebP lossless", vp8l(worstW, worstH, func(x, y int) bool { return (x/64+y/64)%2 == 0 }))
	pal := image.NewPaletted(image.Rect(0, 0, worstW, worstH), color.Palette{color.Black, color.White, color.Transparent})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3)
	}
	write("GIF with transparency", encodeGIF(t, pal))
	runtime.GC()

	t.Logf("%d×%d (%.1f MP), GOMAXPROCS %d", worstW, worstH, float64(worstW*worstH)/1e6, runtime.GOMAXPROCS(0))
	t.Logf("%-34s %8s %8s %10s %11s %9s", "file", "size", "time", "peak heap", "total alloc", "max RSS")
	for _, f := range files {
		st, _ := os.Stat(f.path)
		cmd := exec.Command(os.Args[0], "-test.run=^TestMeasureChild$")
		cmd.Env = append(os.Environ(), childEnv+"="+f.path)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", f.name, err, out)
		}
		var m measurement
		line := out[strings.Index(string(out), "{"):]
		line = line[:strings.Index(string(line), "\n")]
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v in %q", f.name, err, out)
		}
		if m.Err != "" {
			t.Fatalf("%s: %s", f.name, m.Err)
		}
		t.Logf("%-34s %6.1fMB %6dms %8dMB %9dMB %7dMB", f.name, float64(st.Size())/(1<<20), m.Millis,
			m.PeakHeap>>20, m.TotalAlloc>>20, m.PeakRSS>>20)
	}
}

// TestMeasureChild is the child process of TestWorstAllowedImage.
func TestMeasureChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("run by TestWorstAllowedImage")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	base := before.HeapAlloc
	start := time.Now()
	_, perr := Process(data, Limits{})
	elapsed := time.Since(start)
	close(done)
	<-sampled
	runtime.ReadMemStats(&after)
	m := measurement{
		Millis:     elapsed.Milliseconds(),
		PeakHeap:   peak.Load() - min(base, peak.Load()),
		TotalAlloc: after.TotalAlloc - before.TotalAlloc,
	}
	if perr != nil {
		m.Err = perr.Error()
	}
	// The high-water mark of this process's own memory: getrusage's
	// would count the parent's, whose copy this process began as.
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				fmt.Sscanf(strings.TrimSpace(v), "%d kB", &m.PeakRSS)
				m.PeakRSS <<= 10
			}
		}
	}
	b, _ := json.Marshal(m)
	fmt.Printf("%s\n", b)
}

func writePPM(t *testing.T, path string, m *image.RGBA) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	b := m.Bounds()
	fmt.Fprintf(w, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	for i := 0; i < len(m.Pix); i += 4 {
		w.Write(m.Pix[i : i+3])
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
