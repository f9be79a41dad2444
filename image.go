package newsdesk

import (
	"context"
	"time"
)

// Image is a picture newsdesk stores and serves itself, such as a post's
// lead image: never the outlet's file, always renditions newsdesk
// encoded (package images), kept in the database so that every process
// on one PostgreSQL serves the same ones.
type Image struct {
	ID int64
	// SourceURL is where the picture was fetched from (an article's
	// image), or empty for an upload.
	SourceURL string
	// Alt describes the picture for readers who cannot see it.
	Alt string
	// Credit names who made it ("Photo: Ana Ruiz / Harbor Wire").
	Credit string
	// Format is the format of the file it was made from (JPEG, PNG, GIF,
	// WebP); Width and Height are the picture's, as shown.
	Format        string
	Width, Height int
	// Renditions are the sizes the page shows, largest first.
	Renditions []ImageRendition
	CreatedAt  time.Time
}

// ImageRendition is one size of an Image, as served.
type ImageRendition struct {
	Width, Height int
	ContentType   string
	// Hash is the hex SHA-256 of Data, set by the store: it names the
	// rendition in its URL, so that the URL changes whenever the bytes
	// do and a response may be cached for good.
	Hash string
	// Data is the encoded file; empty where only the sizes were asked
	// for.
	Data []byte
}

// ImageService stores images and serves their renditions.
type ImageService interface {
	// CreateImage stores an image and its renditions, setting its ID,
	// CreatedAt and each rendition's Hash. It returns EINVALID for an
	// image without renditions.
	CreateImage(ctx context.Context, img *Image) error
	// FindImage returns an image with its renditions' sizes, types and
	// hashes but not their bytes, or ENOTFOUND.
	FindImage(ctx context.Context, id int64) (*Image, error)
	// FindRendition returns the rendition whose bytes hash to hash, with
	// its bytes, or ENOTFOUND.
	FindRendition(ctx context.Context, hash string) (*ImageRendition, error)
	// UpdateImageText changes an image's alt text and credit, or
	// returns ENOTFOUND.
	UpdateImageText(ctx context.Context, id int64, alt, credit string) error
	// DeleteImage deletes an image and its renditions, or returns
	// ENOTFOUND.
	DeleteImage(ctx context.Context, id int64) error
}
