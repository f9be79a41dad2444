// Package images turns an image file from an untrusted party (an
// outlet's lead image, an editor's upload) into the renditions newsdesk
// serves: it finds the real format from the bytes, refuses what is not a
// JPEG, PNG, GIF or WebP, refuses files and declared dimensions beyond
// its limits before it decodes a pixel, decodes, turns a JPEG the way
// its EXIF orientation says, and re-encodes the picture at the widths
// the site shows. Re-encoding is the security boundary: what newsdesk
// serves is bytes it wrote itself, with no metadata (no GPS position
// from a camera), no trailing script of a polyglot file, and a content
// type it chose.
//
// The package is pure: bytes in, results out. It imports neither the
// store nor anything that serves HTTP.
package images

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"

	"github.com/newsdesk/newsdesk"
)

// Default limits. Each bounds the work and memory one image may cost;
// TestWorstAllowedImage measures the worst file they allow.
const (
	// DefaultMaxBytes bounds the file. A camera's 24-megapixel JPEG is
	// 8 to 12 MB; a press photo on an outlet's page is far smaller.
	DefaultMaxBytes = 15 << 20
	// DefaultMaxPixels bounds width×height as the file declares it,
	// checked before decoding: decoding allocates in proportion to it,
	// whatever the file's size, and the costliest files decode to 17
	// bytes a pixel (a progressive JPEG without chroma subsampling,
	// whose every coefficient image/jpeg keeps until the last scan; a
	// 16-bit interlaced PNG comes close). At 40 megapixels one such
	// file took 690 MB; at 24 (6000×4000, a common camera's full
	// size) it takes 460 MB, and a common baseline JPEG 150 MB.
	DefaultMaxPixels = 24_000_000
	// DefaultMaxSide bounds either side, so that a 16,001×1 strip
	// (few pixels, absurd shape) is refused too.
	DefaultMaxSide = 16_000
)

// The sizes of the renditions, as the page asks for them: each fits in
// a square of one of these sides, the largest for a wide column on a
// screen of twice the density, the others for srcset. A picture that
// fits in a square already gets no rendition larger than itself:
// newsdesk never upscales. A square rather than a width, so that a tall
// picture (a 1:10 strip) does not become a rendition of 1600×16,000:
// a lead image is never shown taller than its column is wide, and the
// memory a resize takes grows with the rendition's pixels.
const (
	LargeSide  = 1600
	MediumSide = 800
	SmallSide  = 400
)

// JPEGQuality is the quality of the JPEG renditions: at 82 a photo at
// these sizes shows no artefact a reader notices, at about half the
// bytes of 95.
const JPEGQuality = 82

// Limits bound what Process accepts. A zero field takes its default.
type Limits struct {
	MaxBytes  int64 // the file's size
	MaxPixels int64 // width×height, as declared
	MaxSide   int   // width or height, as declared
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultMaxSide
	}
	return l
}

// Format is a file format newsdesk reads.
type Format string

// The formats Process reads.
const (
	JPEG Format = "JPEG"
	PNG  Format = "PNG"
	GIF  Format = "GIF"
	WebP Format = "WebP"
)

// Image is what Process makes of a file.
type Image struct {
	// Format is what the file was, found from its bytes (not its name
	// or the type a server claimed).
	Format Format
	// Width and Height are the picture's, as shown: after its EXIF
	// orientation.
	Width, Height int
	// Renditions are the picture at the sizes the page shows, largest
	// first: fitted in a square of LargeSide (or at its own size when
	// it fits already), then of each smaller side, smaller than the
	// rendition before.
	Renditions []Rendition
}

// Rendition is the picture re-encoded at one size.
type Rendition struct {
	Width, Height int
	// ContentType is image/png when the picture has transparency,
	// image/jpeg otherwise.
	ContentType string
	Data        []byte
}

// Process reads an image file and makes its renditions. It returns
// errors coded ETOOLARGE for a file or declared dimensions beyond limits
// (a decompression bomb among them), and EINVALID for a file that is not
// a JPEG, PNG, GIF or WebP (an SVG, which can carry scripts, among them)
// or cannot be decoded; each message says why in words an editor
// understands.
//
// Process holds the decoded picture, its renditions and the decoder's
// own buffers in memory at once; callers bound how many run together.
func Process(data []byte, limits Limits) (*Image, error) {
	limits = limits.withDefaults()
	if len(data) == 0 {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The file is empty: it is not an image.")
	}
	if int64(len(data)) > limits.MaxBytes {
		return nil, newsdesk.Errorf(newsdesk.ETOOLARGE, "The image is larger than newsdesk accepts (%s; at most %s).",
			byteSize(int64(len(data))), byteSize(limits.MaxBytes))
	}
	format, err := sniff(data)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return nil, damaged(format, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height, len(data), limits); err != nil {
		return nil, err
	}
	orientation := 1
	if format == JPEG {
		orientation = jpegOrientation(data)
	}
	src, err := decode(format, data)
	if err != nil {
		return nil, damaged(format, err)
	}
	if b := src.Bounds(); b.Dx() > cfg.Width || b.Dy() > cfg.Height {
		// The decoders check this themselves; were one not to, the
		// limits above would have been checked against a lie.
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The %s image is damaged: its picture is larger than it declares.", format)
	}
	out, err := render(src, orientation)
	if err != nil {
		return nil, err
	}
	out.Format = format
	return out, nil
}

// decodeConfig reads the dimensions a file declares, with the decoder of
// the format its bytes show: image.DecodeConfig would guess again, from
// formats registered in a global table.
func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("no decoder for %s", f)
}

// decode decodes a file whose dimensions are checked already. A GIF
// yields its first frame.
func decode(f Format, data []byte) (img image.Image, err error) {
	// The decoders read hostile bytes; a panic in one (x/image/webp has
	// had them) is a damaged file, not a reason to stop a worker.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder panic: %v", p)
		}
	}()
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	case GIF:
		return gif.Decode(r)
	case WebP:
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", f)
}

// checkDimensions refuses declared dimensions beyond limits before any
// pixel is decoded: the decoders allocate the whole picture from them.
func checkDimensions(w, h, size int, limits Limits) error {
	if w <= 0 || h <= 0 {
		return newsdesk.Errorf(newsdesk.EINVALID, "The image declares no pixels (%d×%d).", w, h)
	}
	pixels := int64(w) * int64(h)
	if w <= limits.MaxSide && h <= limits.MaxSide && pixels <= limits.MaxPixels {
		return nil
	}
	what := "too large for newsdesk"
	// A real photograph of that size is megabytes; a file that claims
	// more than a thousand pixels a byte is made to exhaust memory.
	if pixels/int64(max(size, 1)) > 1000 {
		what = "a decompression bomb"
	}
	return newsdesk.Errorf(newsdesk.ETOOLARGE,
		"The image is %s (%s×%s pixels): newsdesk decodes at most %s megapixels, and %s pixels a side.",
		what, thousands(int64(w)), thousands(int64(h)), thousands(limits.MaxPixels/1_000_000), thousands(int64(limits.MaxSide)))
}

// damaged says that a file of a format newsdesk reads could not be
// read. The decoders do not say reliably whether a file was cut short
// (image/gif formats its EOF as text), so one message says both.
func damaged(f Format, err error) error {
	return newsdesk.WrapError(newsdesk.EINVALID, err, "The %s image is damaged or cut short, and cannot be read.", f)
}

// thousands writes n with commas between groups of three digits, as
// the messages show dimensions.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// byteSize writes a size in the unit an editor reads.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
