package images

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/draw"

	"github.com/newsdesk/newsdesk"
)

// decodeRendition decodes a rendition as a browser would, by the
// content type newsdesk will serve it with.
func decodeRendition(t *testing.T, r Rendition) image.Image {
	t.Helper()
	var m image.Image
	var err error
	switch r.ContentType {
	case "image/jpeg":
		m, err = jpeg.Decode(bytes.NewReader(r.Data))
	case "image/png":
		m, err = png.Decode(bytes.NewReader(r.Data))
	default:
		t.Fatalf("rendition served as %q", r.ContentType)
	}
	if err != nil {
		t.Fatalf("rendition %d×%d (%s) does not decode: %v", r.Width, r.Height, r.ContentType, err)
	}
	if b := m.Bounds(); b.Dx() != r.Width || b.Dy() != r.Height {
		t.Fatalf("rendition says %d×%d, is %v", r.Width, r.Height, b)
	}
	return m
}

type size struct{ w, h int }

func sizes(img *Image) []size {
	var out []size
	for _, r := range img.Renditions {
		out = append(out, size{r.Width, r.Height})
	}
	return out
}

// Each format newsdesk reads becomes renditions at the page's widths,
// never wider than the picture, encoded as JPEG unless the picture is
// transparent, each decoding to the size it states.
func TestProcessFormats(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		format Format
		w, h   int
		sizes  []size
		ctype  string
	}{
		{"wide JPEG", encodeJPEG(t, photo(2000, 1000)), JPEG, 2000, 1000,
			[]size{{1600, 800}, {800, 400}, {400, 200}}, "image/jpeg"},
		{"opaque PNG", encodePNG(t, photo(1000, 600)), PNG, 1000, 600,
			[]size{{1000, 600}, {800, 480}, {400, 240}}, "image/jpeg"},
		{"transparent PNG", encodePNG(t, withAlpha(900, 300)), PNG, 900, 300,
			[]size{{900, 300}, {800, 267}, {400, 133}}, "image/png"},
		{"GIF", encodeGIF(t, quadrants(500, 500)), GIF, 500, 500,
			[]size{{500, 500}, {400, 400}}, "image/jpeg"},
		{"WebP lossless", vp8l(300, 200, func(x, y int) bool { return x < 150 }), WebP, 300, 200,
			[]size{{300, 200}}, "image/jpeg"},
		{"narrower than the smallest width", encodeJPEG(t, photo(120, 90)), JPEG, 120, 90,
			[]size{{120, 90}}, "image/jpeg"},
		{"a strip one pixel high", encodePNG(t, photo(16000, 1)), PNG, 16000, 1,
			[]size{{1600, 1}, {800, 1}, {400, 1}}, "image/jpeg"},
		{"a tall strip", encodePNG(t, photo(300, 6000)), PNG, 300, 6000,
			[]size{{80, 1600}, {40, 800}, {20, 400}}, "image/jpeg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Process(tc.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if img.Format != tc.format || img.Width != tc.w || img.Height != tc.h {
				t.Fatalf("got %s %d×%d, want %s %d×%d", img.Format, img.Width, img.Height, tc.format, tc.w, tc.h)
			}
			if got := sizes(img); !equalSizes(got, tc.sizes) {
				t.Fatalf("renditions %v, want %v", got, tc.sizes)
			}
			for _, r := range img.Renditions {
				if r.ContentType != tc.ctype {
					t.Fatalf("rendition %d wide is %s, want %s", r.Width, r.ContentType, tc.ctype)
				}
				decodeRendition(t, r)
			}
		})
	}
}

func equalSizes(a, b []size) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The picture survives: colours land where they were, transparency
// stays transparent, and an animated GIF shows its first frame.
func TestProcessKeepsThePicture(t *testing.T) {
	t.Run("transparency", func(t *testing.T) {
		img, err := Process(encodePNG(t, withAlpha(800, 100)), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		m := decodeRendition(t, img.Renditions[0])
		if _, _, _, a := m.At(100, 50).RGBA(); a != 0 {
			t.Fatalf("left half has alpha %d, want transparent", a)
		}
		if _, _, _, a := m.At(700, 50).RGBA(); a != 0xffff {
			t.Fatalf("right half has alpha %d, want opaque", a)
		}
	})
	t.Run("first frame of an animated GIF", func(t *testing.T) {
		img, err := Process(animatedGIF(t, 64, 64), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if c := decodeRendition(t, img.Renditions[0]).At(32, 32); !near(c, color.RGBA{0xff, 0, 0, 0xff}) {
			t.Fatalf("centre is %v, want the first frame's red", c)
		}
	})
	t.Run("WebP pixels", func(t *testing.T) {
		img, err := Process(vp8l(64, 64, func(x, y int) bool { return x >= 32 }), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		m := decodeRendition(t, img.Renditions[0])
		if l, r := m.At(8, 32), m.At(56, 32); !near(l, color.RGBA{0x20, 0x40, 0x30, 0xff}) || !near(r, color.RGBA{0x20, 0xc0, 0x30, 0xff}) {
			t.Fatalf("left %v, right %v: the two greens drawn", l, r)
		}
	})
}

// near reports whether two colours differ by at most what JPEG at
// quality 82 and a resize shift a flat area by.
func near(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { return max(x, y)-min(x, y) <= 24<<8 }
	return d(ar, br) && d(ag, bg) && d(ab, bb)
}

// A photo taken with the phone turned shows upright: the renditions are
// turned as its EXIF orientation says, for all eight orientations.
func TestProcessAppliesEXIFOrientation(t *testing.T) {
	const R, G, B, W = 0, 1, 2, 3
	// The colours expected at the shown picture's top left, top right,
	// bottom left and bottom right, for a stored picture that is red,
	// green / blue, white.
	for o, want := range map[int][4]int{
		1: {R, G, B, W}, // as stored
		2: {G, R, W, B}, // mirrored
		3: {W, B, G, R}, // upside down
		4: {B, W, R, G}, // mirrored upside down
		5: {R, B, G, W}, // transposed
		6: {B, R, W, G}, // turned a quarter right to show
		7: {W, G, B, R}, // transversed
		8: {G, W, R, B}, // turned a quarter left to show
	} {
		img, err := Process(withExif(encodeJPEG(t, quadrants(64, 32)), o, "Camera"), Limits{})
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		w, h := 64, 32
		if o >= 5 {
			w, h = 32, 64
		}
		if img.Width != w || img.Height != h {
			t.Fatalf("orientation %d: %d×%d, want %d×%d", o, img.Width, img.Height, w, h)
		}
		m := decodeRendition(t, img.Renditions[0])
		corners := [4]image.Point{{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}}
		for i, p := range corners {
			if c := m.At(p.X, p.Y); !near(c, quadrantColors[want[i]]) {
				t.Errorf("orientation %d: corner %d is %v, want %v", o, i, c, quadrantColors[want[i]])
			}
		}
	}
}

// Nothing of the file but its picture reaches the renditions: not the
// camera's EXIF (its make, its GPS position), not a script hidden after
// a GIF's end.
func TestProcessStripsEverythingButThePicture(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		secret []string
	}{
		{"EXIF with GPS", withExif(encodeJPEG(t, photo(640, 480)), 1, "SecretCam 51.5074N"), []string{"SecretCam", "Exif", "51.5074N"}},
		{"GIF+HTML polyglot", polyglot(t), []string{"<script", "alert", "<html"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.secret {
				if !bytes.Contains(tc.data, []byte(s)) {
					t.Fatalf("fixture lacks %q: the test would prove nothing", s)
				}
			}
			img, err := Process(tc.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range img.Renditions {
				for _, s := range tc.secret {
					if bytes.Contains(r.Data, []byte(s)) {
						t.Errorf("%d-wide rendition carries %q", r.Width, s)
					}
				}
				decodeRendition(t, r)
			}
		})
	}
}

// What is not an image newsdesk accepts, what is too large, and what
// would blow up once decoded are refused, each with its reason, before
// a pixel is decoded.
func TestProcessRefuses(t *testing.T) {
	small := encodePNG(t, photo(40, 30))
	jpg := encodeJPEG(t, photo(64, 48))
	gifData := encodeGIF(t, quadrants(16, 16))
	webp := vp8l(64, 64, func(x, y int) bool { return (x+y)%2 == 0 })
	for _, tc := range []struct {
		name   string
		data   []byte
		limits Limits
		code   string
		msg    string
	}{
		{"empty", nil, Limits{}, newsdesk.EINVALID, "The file is empty"},
		{"over the byte limit", small, Limits{MaxBytes: int64(len(small) - 1)}, newsdesk.ETOOLARGE,
			"The image is larger than newsdesk accepts ("},
		{"default byte limit", append(encodePNG(t, photo(8, 8)), make([]byte, 15<<20)...), Limits{}, newsdesk.ETOOLARGE,
			"at most 15 MB"},
		{"SVG with a script", []byte(svgWithScript), Limits{}, newsdesk.EINVALID,
			"The file is not an image newsdesk accepts (SVG, which can carry scripts): send a JPEG, PNG, GIF or WebP."},
		{"HTML page", []byte("<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"), Limits{}, newsdesk.EINVALID,
			"not an image newsdesk accepts (text/html)"},
		{"text", []byte("just some words, not a picture"), Limits{}, newsdesk.EINVALID, "(text/plain)"},
		{"PDF", []byte("%PDF-1.7\n1 0 obj\n"), Limits{}, newsdesk.EINVALID, "(application/pdf)"},
		{"TIFF", []byte("II*\x00\x08\x00\x00\x00\x00\x00"), Limits{}, newsdesk.EINVALID, "(image/tiff)"},
		{"AVIF", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1"), Limits{}, newsdesk.EINVALID, "(image/avif)"},
		{"HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), Limits{}, newsdesk.EINVALID, "(image/heic)"},
		{"PNG bomb 100,000×100,000", lyingPNG(100_000, 100_000, 3), Limits{}, newsdesk.ETOOLARGE,
			"The image is a decompression bomb (100,000×100,000 pixels): newsdesk decodes at most 24 megapixels, and 16,000 pixels a side."},
		{"PNG wider than the side limit", lyingPNG(16_001, 1, 1), Limits{}, newsdesk.ETOOLARGE,
			"too large for newsdesk (16,001×1 pixels)"},
		{"PNG just over the pixel limit", lyingPNG(6000, 4001, 0), Limits{}, newsdesk.ETOOLARGE,
			"(6,000×4,001 pixels)"},
		{"JPEG with a bogus huge SOF", withSOF(jpg, 65535, 65535), Limits{}, newsdesk.ETOOLARGE,
			"a decompression bomb (65,535×65,535 pixels)"},
		{"GIF with a huge logical screen", gifScreen(gifData, 60000, 60000), Limits{}, newsdesk.ETOOLARGE,
			"a decompression bomb (60,000×60,000 pixels)"},
		{"WebP with a huge canvas", vp8xBomb(40_000, 40_000), Limits{}, newsdesk.ETOOLARGE,
			"a decompression bomb (40,000×40,000 pixels)"},
		{"PNG declaring no pixels", lyingPNG(0, 10, 0), Limits{}, newsdesk.EINVALID, "The PNG image is damaged"},
		{"truncated JPEG", jpg[:len(jpg)/2], Limits{}, newsdesk.EINVALID, "The JPEG image is damaged or cut short"},
		{"truncated PNG", small[:len(small)/2], Limits{}, newsdesk.EINVALID, "The PNG image is damaged or cut short"},
		{"truncated GIF", gifData[:len(gifData)/2], Limits{}, newsdesk.EINVALID, "The GIF image is damaged or cut short"},
		{"truncated WebP", webp[:len(webp)-20], Limits{}, newsdesk.EINVALID, "The WebP image is damaged or cut short"},
		{"JPEG header only", jpg[:20], Limits{}, newsdesk.EINVALID, "The JPEG image is damaged or cut short"},
		{"PNG whose data stops early", lyingPNG(2000, 2000, 10), Limits{}, newsdesk.EINVALID, "The PNG image is damaged or cut short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Process(tc.data, tc.limits)
			if err == nil {
				t.Fatalf("accepted: %d renditions", len(img.Renditions))
			}
			if code := newsdesk.ErrorCode(err); code != tc.code {
				t.Errorf("code %s, want %s (%v)", code, tc.code, err)
			}
			if msg := newsdesk.ErrorMessage(err); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q, want it to contain %q", msg, tc.msg)
			}
		})
	}
}

// The sizes are the page's, keep the picture's shape, and are never
// larger than the picture.
func TestRenditionSizes(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want []size
	}{
		{4000, 3000, []size{{1600, 1200}, {800, 600}, {400, 300}}},
		{3000, 4000, []size{{1200, 1600}, {600, 800}, {300, 400}}},
		{1600, 1600, []size{{1600, 1600}, {800, 800}, {400, 400}}},
		{1000, 500, []size{{1000, 500}, {800, 400}, {400, 200}}},
		{800, 300, []size{{800, 300}, {400, 150}}},
		{500, 20, []size{{500, 20}, {400, 16}}},
		{400, 400, []size{{400, 400}}},
		{16000, 1, []size{{1600, 1}, {800, 1}, {400, 1}}},
		{2500, 16000, []size{{250, 1600}, {125, 800}, {63, 400}}},
		{1, 1, []size{{1, 1}}},
	} {
		var got []size
		for _, p := range renditionSizes(tc.w, tc.h) {
			got = append(got, size{p.X, p.Y})
		}
		if !equalSizes(got, tc.want) {
			t.Errorf("%d×%d: %v, want %v", tc.w, tc.h, got, tc.want)
		}
	}
}

// stripes is w×h of one-pixel black and white columns: shrunk, it
// should be an even grey, and a filter that aliases shows bands.
func stripes(w, h int) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		if (i%m.Stride)%2 == 0 {
			m.Pix[i] = 0xff
		}
	}
	return m
}

// banding is the largest distance, in 8-bit levels, of any pixel of m
// from the mid-grey that averaging black and white gives.
func banding(m *image.RGBA) int {
	worst := 0
	for i := 0; i < len(m.Pix); i += 4 {
		worst = max(worst, int(m.Pix[i])-127, 128-int(m.Pix[i]))
	}
	return worst
}

// The renditions are resized with a filter that does not alias: fine
// stripes shrink to a grey, not to bands. The approximate bilinear
// filter of x/image/draw, several times faster (BenchmarkScale), turns
// them into bands nearly as far from the grey as black and white are.
// newsdesk's Catmull-Rom in bands gives what one call of x/image/draw's
// gives, within rounding.
func TestScaleFilters(t *testing.T) {
	for _, tc := range []struct{ sw, sh, w, h int }{
		{3000, 40, 1600, 21},  // 1.9 times smaller
		{4800, 60, 1600, 20},  // 3 times
		{6000, 300, 1600, 80}, // 3.75 times, and more rows than one band
	} {
		src := stripes(tc.sw, tc.sh)
		ours := scale(src, tc.w, tc.h)
		cr := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
		draw.CatmullRom.Scale(cr, cr.Bounds(), src, src.Bounds(), draw.Src, nil)
		abl := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
		draw.ApproxBiLinear.Scale(abl, abl.Bounds(), src, src.Bounds(), draw.Src, nil)
		t.Logf("%d to %d wide: banding, in levels from grey: newsdesk %d, Catmull-Rom %d, approximate bilinear %d",
			tc.sw, tc.w, banding(ours), banding(cr), banding(abl))
		if banding(ours) > 24 {
			t.Errorf("%d to %d wide: stripes shrink to bands %d levels from grey", tc.sw, tc.w, banding(ours))
		}
		for i := range ours.Pix {
			if d := int(ours.Pix[i]) - int(cr.Pix[i]); d > 1 || d < -1 {
				t.Fatalf("%d to %d wide: byte %d is %d, x/image/draw's is %d", tc.sw, tc.w, i, ours.Pix[i], cr.Pix[i])
			}
		}
	}
	// And on a photograph, across bands and stripes both.
	src := photo(1200, 2000)
	ours := scale(src, 500, 833)
	cr := image.NewRGBA(image.Rect(0, 0, 500, 833))
	draw.CatmullRom.Scale(cr, cr.Bounds(), src, src.Bounds(), draw.Src, nil)
	for i := range ours.Pix {
		if d := int(ours.Pix[i]) - int(cr.Pix[i]); d > 1 || d < -1 {
			t.Fatalf("photo: byte %d is %d, x/image/draw's is %d", i, ours.Pix[i], cr.Pix[i])
		}
	}
}

// BenchmarkScale compares the filters on a 24-megapixel photo shrunk to
// the largest rendition.
func BenchmarkScale(b *testing.B) {
	src, err := jpeg.Decode(bytes.NewReader(encodeJPEG(b, photo(6000, 4000))))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		fn   func() *image.RGBA
	}{
		{"CatmullRom in bands", func() *image.RGBA { return scale(src, 1600, 1067) }},
		{"CatmullRom", func() *image.RGBA {
			m := image.NewRGBA(image.Rect(0, 0, 1600, 1067))
			draw.CatmullRom.Scale(m, m.Bounds(), src, src.Bounds(), draw.Src, nil)
			return m
		}},
		{"ApproxBiLinear", func() *image.RGBA {
			m := image.NewRGBA(image.Rect(0, 0, 1600, 1067))
			draw.ApproxBiLinear.Scale(m, m.Bounds(), src, src.Bounds(), draw.Src, nil)
			return m
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tc.fn()
			}
		})
	}
}
