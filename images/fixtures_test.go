package images

// The test images are made here, in code, so that every byte of every
// fixture is explained: pictures drawn by a formula, encoded by the
// standard library, and, for what it cannot write (WebP, EXIF, an
// interlaced PNG, a file that lies about its size), written by the
// short helpers below from their specifications.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// photo draws a w×h picture with the smooth gradients and fine grain of
// a photograph, so that it encodes to a photograph's size: random
// noise would not compress, a flat colour would compress to nothing.
func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(2463534242)
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride:]
		for x := 0; x < w; x++ {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			grain := int(seed&15) - 8
			row[4*x+0] = clamp8(x*255/w + grain)
			row[4*x+1] = clamp8(y*255/h + grain)
			row[4*x+2] = clamp8((x+y)*255/(w+h) + grain)
			row[4*x+3] = 0xff
		}
	}
	return m
}

func clamp8(v int) uint8 { return uint8(max(0, min(255, v))) }

// quadrants draws a w×h picture whose four quarters are red (top
// left), green (top right), blue (bottom left) and white, so that a
// turn or a flip shows in which colour lands where.
func quadrants(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := quadrantColors[2*(2*y/h)+2*x/w]
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

var quadrantColors = [4]color.RGBA{
	{0xff, 0, 0, 0xff}, {0, 0xff, 0, 0xff},
	{0, 0, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff},
}

// withAlpha draws a w×h picture that is transparent on its left half.
func withAlpha(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(0xff)
			if x < w/2 {
				a = 0
			}
			m.SetNRGBA(x, y, color.NRGBA{0x20, 0x80, 0xc0, a})
		}
	}
	return m
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, &gif.Options{NumColors: 256}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// animatedGIF is a two-frame GIF: a red frame, then a blue one.
func animatedGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	frame := func(c color.Color) *image.Paletted {
		p := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p.Set(x, y, c)
			}
		}
		return p
	}
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{
		Image: []*image.Paletted{frame(color.RGBA{0xff, 0, 0, 0xff}), frame(color.RGBA{0, 0, 0xff, 0xff})},
		Delay: []int{10, 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bits writes a bit stream least significant bit first, as VP8L reads
// it.
type bits struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (b *bits) put(v uint64, n uint) {
	b.acc |= v << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.out = append(b.out, byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

func (b *bits) bytes() []byte {
	if b.nacc > 0 {
		b.out = append(b.out, byte(b.acc))
		b.acc, b.nacc = 0, 0
	}
	return b.out
}

// vp8l writes a lossless WebP bitstream (WebP Lossless Bitstream
// Specification, RFC 9649 section 3) of a w×h picture whose pixels are
// each one of two greens, as green(x, y) says: no transforms, no colour
// cache, one group of prefix codes, each a "simple" code. Red, blue and
// alpha have one symbol each, so cost no bits a pixel; green has two,
// so one bit a pixel. That is all a test needs: a picture that is
// really decoded, with content, from a few bytes (or, at 40 megapixels,
// a decompression bomb within the limits).
func vp8l(w, h int, green func(x, y int) bool) []byte {
	var b bits
	b.put(0x2f, 8)
	b.put(uint64(w-1), 14)
	b.put(uint64(h-1), 14)
	b.put(0, 1) // alpha hint
	b.put(0, 3) // version
	b.put(0, 1) // no transform
	b.put(0, 1) // no colour cache
	b.put(0, 1) // no meta prefix codes
	simple := func(symbols ...uint64) {
		b.put(1, 1) // simple code
		b.put(uint64(len(symbols)-1), 1)
		b.put(1, 1) // first symbol in 8 bits
		for _, s := range symbols {
			b.put(s, 8)
		}
	}
	simple(0x40, 0xc0) // green: two values
	simple(0x20)       // red
	simple(0x30)       // blue
	simple(0xff)       // alpha
	simple(0)          // distance, never used
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if green(x, y) {
				b.put(1, 1)
			} else {
				b.put(0, 1)
			}
		}
	}
	return riffWebP(chunk("VP8L", b.bytes()))
}

// vp8xBomb is a WebP whose extended header (VP8X) declares a canvas of
// w×h and whose image is tiny: a decoder that trusted the header would
// allocate the canvas.
func vp8xBomb(w, h int) []byte {
	hdr := make([]byte, 10)
	put24 := func(b []byte, v int) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }
	put24(hdr[4:], w-1)
	put24(hdr[7:], h-1)
	inner := vp8l(2, 2, func(x, y int) bool { return x == y })
	return riffWebP(append(chunk("VP8X", hdr), inner[12:]...))
}

func chunk(fourcc string, data []byte) []byte {
	c := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func riffWebP(chunks []byte) []byte {
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(4+len(chunks)))
	out = append(out, "WEBP"...)
	return append(out, chunks...)
}

// withExif puts an APP1 Exif segment right after a JPEG's SOI: a TIFF
// structure whose first IFD holds the orientation, the camera's make
// (a string a test can look for), and a pointer to a GPS IFD with a
// latitude, as phones write it.
func withExif(jpg []byte, orientation int, secret string) []byte {
	le := binary.LittleEndian
	t := []byte("II")
	t = le.AppendUint16(t, 42)
	t = le.AppendUint32(t, 8) // IFD0 right after the header
	const entries = 3
	gpsIFD := 8 + 2 + 12*entries + 4
	makeAt := gpsIFD + 2 + 12*1 + 4
	t = le.AppendUint16(t, entries)
	entry := func(tag, typ uint16, count, value uint32) {
		t = le.AppendUint16(t, tag)
		t = le.AppendUint16(t, typ)
		t = le.AppendUint32(t, count)
		t = le.AppendUint32(t, value)
	}
	entry(0x010f, 2, uint32(len(secret)+1), uint32(makeAt)) // Make, ASCII
	entry(0x0112, 3, 1, uint32(orientation))                // Orientation, SHORT
	entry(0x8825, 4, 1, uint32(gpsIFD))                     // GPS IFD pointer, LONG
	t = le.AppendUint32(t, 0)                               // no next IFD
	t = le.AppendUint16(t, 1)
	entry(0x0001, 2, 2, uint32('N')) // GPSLatitudeRef "N"
	t = le.AppendUint32(t, 0)
	t = append(t, secret...)
	t = append(t, 0)
	seg := append([]byte("Exif\x00\x00"), t...)
	app1 := []byte{0xff, 0xe1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// pngChunk writes one PNG chunk with its CRC, which decoders check.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngHeader is an IHDR's data: w×h, the bit depth and colour type
// given, not interlaced unless adam7.
func pngHeader(w, h int, depth, colorType byte, adam7 bool) []byte {
	d := binary.BigEndian.AppendUint32(nil, uint32(w))
	d = binary.BigEndian.AppendUint32(d, uint32(h))
	il := byte(0)
	if adam7 {
		il = 1
	}
	return append(d, depth, colorType, 0, 0, il)
}

// lyingPNG is a PNG whose header declares w×h 8-bit greyscale and whose
// data is rows of zeros, as many as zeroRows says (all of them for a
// valid file): zlib turns each megabyte of zeros into about a
// kilobyte, which is what makes a PNG decompression bomb.
func lyingPNG(w, h, zeroRows int) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+w) // filter byte, then w grey samples
	for range zeroRows {
		zw.Write(row)
	}
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", pngHeader(w, h, 8, 0, false))...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// interlacedPNG writes m as an Adam7-interlaced PNG (PNG specification
// section 8.2), 16 bits a channel, RGBA, which image/png does not
// write: the costliest PNG to decode, as the decoder holds each pass's
// picture beside the whole one, at 8 bytes a pixel.
func interlacedPNG(m *image.RGBA) []byte {
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	passes := []struct{ x0, y0, dx, dy int }{
		{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	var row []byte
	for _, p := range passes {
		for y := p.y0; y < h; y += p.dy {
			row = append(row[:0], 0) // filter: none
			for x := p.x0; x < w; x += p.dx {
				px := m.Pix[y*m.Stride+4*x : y*m.Stride+4*x+4]
				for _, c := range px {
					row = append(row, c, c) // 8 bits widened to 16
				}
			}
			if len(row) > 1 {
				zw.Write(row)
			}
		}
	}
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", pngHeader(w, h, 16, 6, true))...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// withSOF rewrites the dimensions in a JPEG's SOF0 marker: a JPEG that
// claims a size its data does not have.
func withSOF(jpg []byte, w, h int) []byte {
	out := append([]byte{}, jpg...)
	i := bytes.Index(out, []byte{0xff, 0xc0})
	binary.BigEndian.PutUint16(out[i+5:], uint16(h))
	binary.BigEndian.PutUint16(out[i+7:], uint16(w))
	return out
}

// gifScreen rewrites a GIF's logical screen size, which DecodeConfig
// reports, leaving its frames as they are.
func gifScreen(g []byte, w, h int) []byte {
	out := append([]byte{}, g...)
	binary.LittleEndian.PutUint16(out[6:], uint16(w))
	binary.LittleEndian.PutUint16(out[8:], uint16(h))
	return out
}

const svgWithScript = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- a harmless-looking picture -->
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>`

// polyglot is a file that is a valid GIF to an image decoder and a
// page with a script to a browser that sniffs it as HTML.
func polyglot(t testing.TB) []byte {
	g := encodeGIF(t, quadrants(8, 8))
	return append(g, "<html><script>alert('polyglot')</script></html>"...)
}
