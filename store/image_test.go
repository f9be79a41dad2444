package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// binary is bytes as an encoder writes them: every byte value, NUL and
// invalid UTF-8 among them, which a text column would mangle.
func binary(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i) ^ seed
	}
	return b
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func leadImage(seed byte) *newsdesk.Image {
	return &newsdesk.Image{
		SourceURL: "https://wire.example/photos/harbour.jpg",
		Alt:       "Cranes over the harbour at dawn",
		Credit:    "Photo: Ana Ruiz / Northern Wire",
		Format:    "JPEG", Width: 4000, Height: 3000,
		Renditions: []newsdesk.ImageRendition{
			{Width: 1600, Height: 1200, ContentType: "image/jpeg", Data: binary(seed, 300<<10)},
			{Width: 800, Height: 600, ContentType: "image/jpeg", Data: binary(seed+1, 80<<10)},
			{Width: 400, Height: 300, ContentType: "image/jpeg", Data: binary(seed+2, 20<<10)},
		},
	}
}

// An image is stored with its renditions; each is found again by the
// hash of its bytes, byte for byte, and the image by its ID with the
// sizes, types and hashes a page needs for srcset.
func TestImages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		img := leadImage(7)
		if err := db.CreateImage(ctx, img); err != nil {
			t.Fatal(err)
		}
		if img.ID == 0 || !img.CreatedAt.Equal(now) {
			t.Fatalf("created: ID %d, at %v", img.ID, img.CreatedAt)
		}
		for _, r := range img.Renditions {
			if r.Hash != hashOf(r.Data) {
				t.Fatalf("hash %q, want the SHA-256 of the bytes", r.Hash)
			}
			got, err := db.FindRendition(ctx, r.Hash)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Data, r.Data) || got.Width != r.Width || got.Height != r.Height || got.ContentType != r.ContentType {
				t.Fatalf("rendition %s: %d×%d %s, %d bytes; stored %d×%d, %d bytes",
					r.Hash, got.Width, got.Height, got.ContentType, len(got.Data), r.Width, r.Height, len(r.Data))
			}
		}
		got, err := db.FindImage(ctx, img.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Alt != img.Alt || got.Credit != img.Credit || got.SourceURL != img.SourceURL || got.Format != "JPEG" ||
			got.Width != 4000 || got.Height != 3000 || !got.CreatedAt.Equal(now) || len(got.Renditions) != 3 {
			t.Fatalf("found %+v", got)
		}
		for i, r := range got.Renditions {
			if r.Hash != img.Renditions[i].Hash || r.Width != img.Renditions[i].Width || r.Data != nil {
				t.Fatalf("rendition %d: %d wide, %s, %d bytes loaded", i, r.Width, r.Hash, len(r.Data))
			}
		}

		if err := db.UpdateImageText(ctx, img.ID, "Two cranes, harbour, 6 a.m.", "Ana Ruiz"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindImage(ctx, img.ID); got.Alt != "Two cranes, harbour, 6 a.m." || got.Credit != "Ana Ruiz" {
			t.Fatalf("after update: %q, %q", got.Alt, got.Credit)
		}
	})
}

// Two images may share a picture (the same photo on two posts): both
// are stored, and deleting one leaves the other's renditions served.
// What is missing is ENOTFOUND, never an empty answer.
func TestImagesShareAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := leadImage(1), leadImage(1)
		b.Alt = "The same photo on another post"
		for _, img := range []*newsdesk.Image{a, b} {
			if err := db.CreateImage(ctx, img); err != nil {
				t.Fatal(err)
			}
		}
		if a.Renditions[0].Hash != b.Renditions[0].Hash {
			t.Fatal("the same bytes hashed apart")
		}
		if err := db.DeleteImage(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindImage(ctx, a.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("deleted image: %v", err)
		}
		if r, err := db.FindRendition(ctx, b.Renditions[0].Hash); err != nil || !bytes.Equal(r.Data, b.Renditions[0].Data) {
			t.Fatalf("the other image's rendition: %v", err)
		}
		if err := db.DeleteImage(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			err  error
		}{
			{"rendition of deleted images", func() error { _, err := db.FindRendition(ctx, b.Renditions[0].Hash); return err }()},
			{"unknown hash", func() error { _, err := db.FindRendition(ctx, hashOf([]byte("none"))); return err }()},
			{"hash no text column holds", func() error { _, err := db.FindRendition(ctx, "\x00\xff"); return err }()},
			{"unknown image", func() error { _, err := db.FindImage(ctx, 999); return err }()},
			{"delete twice", db.DeleteImage(ctx, b.ID)},
			{"update unknown", db.UpdateImageText(ctx, 999, "alt", "credit")},
		} {
			if newsdesk.ErrorCode(tc.err) != newsdesk.ENOTFOUND {
				t.Errorf("%s: %v, want ENOTFOUND", tc.name, tc.err)
			}
		}
		if err := db.CreateImage(ctx, &newsdesk.Image{Format: "PNG", Width: 1, Height: 1}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("image without renditions: %v", err)
		}
	})
}

// Several processes on one database serve the same images: one stores
// an image, another, with its own connections, serves it.
func TestImagesAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresURL(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	editor, site := open(), open()
	img := leadImage(9)
	if err := editor.CreateImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	r, err := site.FindRendition(ctx, img.Renditions[1].Hash)
	if err != nil || !bytes.Equal(r.Data, img.Renditions[1].Data) {
		t.Fatalf("served by the other process: %v", err)
	}
}
