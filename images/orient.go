package images

import (
	"encoding/binary"
	"image"
)

// jpegOrientation returns the EXIF orientation (1 to 8) that a JPEG's
// first Exif segment gives, and 1, "as stored", when it gives none or
// cannot be read. Cameras and phones store a picture as the sensor saw
// it and say in this tag how to turn it; browsers honour the tag, and
// the renditions, which carry no EXIF, must be turned already.
//
// Only the one tag is read, so a whole EXIF library is not needed: the
// segments before the image data, the TIFF header, and the first IFD's
// entries, every offset checked against the segment's length.
func jpegOrientation(data []byte) int {
	i := 2 // after SOI
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return 1
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0xd8 || marker == 0x01 || marker >= 0xd0 && marker <= 0xd7:
			i += 2 // no length
			continue
		case marker == 0xda || marker == 0xd9: // start of scan, end of image
			return 1
		}
		length := int(binary.BigEndian.Uint16(data[i+2:]))
		if length < 2 || i+2+length > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+length]
		if marker == 0xe1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + length
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from the first IFD of a TIFF
// structure (EXIF's container).
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := uint64(order.Uint32(t[4:]))
	if ifd+2 > uint64(len(t)) {
		return 1
	}
	n := uint64(order.Uint16(t[ifd:]))
	for k := uint64(0); k < n; k++ {
		e := ifd + 2 + 12*k
		if e+12 > uint64(len(t)) {
			return 1
		}
		tag, typ, count := order.Uint16(t[e:]), order.Uint16(t[e+2:]), order.Uint32(t[e+4:])
		if tag != 0x0112 {
			continue
		}
		if typ != 3 || count != 1 { // one SHORT, stored in the entry itself
			return 1
		}
		if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// swapsSides reports whether an orientation turns the picture by a
// quarter, so that its shown width is its stored height.
func swapsSides(orientation int) bool { return orientation >= 5 && orientation <= 8 }

// orient returns m turned and flipped as EXIF orientation o says, so
// that it shows upright. It is applied to a rendition, not to the
// decoded original: turning 40 megapixels would cost another copy of
// them.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return m
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if swapsSides(o) {
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // mirrored, turned a quarter left
				dx, dy = y, x
			case 6: // turned a quarter left: turn it right
				dx, dy = h-1-y, x
			case 7: // mirrored, turned a quarter right
				dx, dy = h-1-y, w-1-x
			case 8: // turned a quarter right: turn it left
				dx, dy = y, w-1-x
			}
			copy(out.Pix[dy*out.Stride+4*dx:dy*out.Stride+4*dx+4], row[4*x:4*x+4])
		}
	}
	return out
}
