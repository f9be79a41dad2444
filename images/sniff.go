package images

import (
	"bytes"
	"mime"
	"net/http"

	"github.com/newsdesk/newsdesk"
)

// sniff finds a file's format from its first bytes, as a browser would,
// and never from a name or a Content-Type a server claimed: a PNG served
// as image/jpeg is a PNG, and an HTML page named photo.jpg is refused.
func sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP, nil
	}
	return "", notAccepted(data)
}

// notAccepted says what a file that is not an image newsdesk reads
// seems to be, so that an editor knows what they sent.
func notAccepted(data []byte) error {
	what := otherImage(data)
	if what == "" && isSVG(data) {
		what = "SVG, which can carry scripts"
	}
	if what == "" {
		what, _, _ = mime.ParseMediaType(http.DetectContentType(data))
	}
	return newsdesk.Errorf(newsdesk.EINVALID, "The file is not an image newsdesk accepts (%s): send a JPEG, PNG, GIF or WebP.", what)
}

// otherImage names the image formats newsdesk does not read, which
// http.DetectContentType does not know or calls by a container's name.
func otherImage(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "image/tiff"
	case bytes.HasPrefix(data, []byte("\xff\x0a")), bytes.HasPrefix(data, []byte("\x00\x00\x00\x0cJXL \r\n\x87\n")):
		return "image/jxl"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		switch string(data[8:12]) {
		case "avif", "avis":
			return "image/avif"
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
			return "image/heic"
		}
	}
	return ""
}

// isSVG reports whether data looks like an SVG document: an <svg
// element near the start, after whatever XML declaration, doctype and
// comments precede it.
func isSVG(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 4096)])
	return bytes.Contains(head, []byte("<svg"))
}
