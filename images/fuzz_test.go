package images

import (
	"image"
	"image/color"
	"testing"

	"github.com/newsdesk/newsdesk"
)

// fuzzLimits are tighter than the defaults so that the fuzzer spends
// its time on the parsers rather than on decoding 40 megapixels; the
// code that checks them is the same.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxSide: 2048}

// fuzzSeeds are tiny valid images of each format and the hostile files
// the tests refuse: truncated files, files that lie about their size,
// polyglots and scripts.
func fuzzSeeds(f *testing.F) [][]byte {
	gray := image.NewGray16(image.Rect(0, 0, 3, 2))
	gray.SetGray16(1, 1, color.Gray16{0x1234})
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.Transparent, color.White})
	pal.SetColorIndex(1, 1, 1)
	jpg := encodeJPEG(f, photo(16, 8))
	png := encodePNG(f, photo(5, 3))
	gifData := encodeGIF(f, quadrants(8, 4))
	webp := vp8l(5, 3, func(x, y int) bool { return x == y })
	seeds := [][]byte{
		jpg,
		encodeJPEG(f, image.NewGray(image.Rect(0, 0, 9, 9))),
		withExif(jpg, 6, "Cam"),
		png,
		encodePNG(f, withAlpha(4, 4)),
		encodePNG(f, gray),
		encodePNG(f, pal),
		interlacedPNG(photo(9, 9)),
		gifData,
		animatedGIF(f, 3, 3),
		webp,
		riffWebP(append(chunk("VP8X", []byte{0, 0, 0, 0, 4, 0, 0, 2, 0, 0}), webp[12:]...)),
		jpg[:len(jpg)/2],
		png[:len(png)-13],
		gifData[:len(gifData)/2],
		webp[:len(webp)-3],
		lyingPNG(100_000, 100_000, 2),
		lyingPNG(900, 900, 900), // within limits: 810 kilopixels from a kilobyte
		withSOF(jpg, 65535, 65535),
		withSOF(jpg, 1000, 1000),
		gifScreen(gifData, 65535, 65535),
		vp8xBomb(40_000, 40_000),
		polyglot(f),
		[]byte(svgWithScript),
		[]byte("GIF89a/*<script>alert(1)</script>*/"),
		[]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08"),
	}
	return seeds
}

// FuzzProcess feeds Process any bytes. It must never panic; it refuses
// with a coded error and a message, or returns renditions that decode
// as their content type says, at the sizes they state, from a file
// whose declared size is within the limits.
func FuzzProcess(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Process(data, fuzzLimits)
		if err != nil {
			if c := newsdesk.ErrorCode(err); c != newsdesk.EINVALID && c != newsdesk.ETOOLARGE {
				t.Fatalf("refused with code %s: %v", c, err)
			}
			if newsdesk.ErrorMessage(err) == "" {
				t.Fatalf("refused without a reason: %v", err)
			}
			return
		}
		cfg, err := decodeConfig(img.Format, data)
		if err != nil {
			t.Fatalf("accepted a %s whose header does not read: %v", img.Format, err)
		}
		if cfg.Width > fuzzLimits.MaxSide || cfg.Height > fuzzLimits.MaxSide || int64(cfg.Width)*int64(cfg.Height) > fuzzLimits.MaxPixels {
			t.Fatalf("accepted %d×%d, beyond the limits", cfg.Width, cfg.Height)
		}
		if len(img.Renditions) == 0 || max(img.Renditions[0].Width, img.Renditions[0].Height) != min(max(img.Width, img.Height), LargeSide) {
			t.Fatalf("%d×%d gave renditions %v", img.Width, img.Height, sizes(img))
		}
		for _, r := range img.Renditions {
			if r.Width > img.Width || r.Height > img.Height || max(r.Width, r.Height) > LargeSide {
				t.Fatalf("%d×%d rendition of a %d×%d picture", r.Width, r.Height, img.Width, img.Height)
			}
			decodeRendition(t, r)
		}
	})
}

// FuzzJPEGOrientation reads any bytes as a JPEG's segments: it must not
// panic, and answers an orientation from 1 to 8.
func FuzzJPEGOrientation(f *testing.F) {
	jpg := encodeJPEG(f, photo(8, 8))
	for o := 1; o <= 8; o++ {
		f.Add(withExif(jpg, o, "x"))
	}
	f.Add(jpg)
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08"))
	f.Add([]byte("\xff\xd8\xff\xe1\xff\xffExif\x00\x00II*\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
