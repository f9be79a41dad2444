package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/newsdesk/newsdesk"
)

var _ newsdesk.ImageService = (*DB)(nil)

// CreateImage stores an image and its renditions in one transaction,
// and sets the ID, CreatedAt and each rendition's Hash. It returns
// EINVALID for an image without renditions.
func (d *DB) CreateImage(ctx context.Context, img *newsdesk.Image) error {
	if len(img.Renditions) == 0 {
		return newsdesk.Errorf(newsdesk.EINVALID, "An image needs at least one rendition.")
	}
	cleanTexts(&img.SourceURL, &img.Alt, &img.Credit, &img.Format)
	for i := range img.Renditions {
		sum := sha256.Sum256(img.Renditions[i].Data)
		img.Renditions[i].Hash = hex.EncodeToString(sum[:])
	}
	img.CreatedAt = d.now()
	return d.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, d.q(`INSERT INTO images (source_url, alt, credit, format, width, height, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			img.SourceURL, img.Alt, img.Credit, img.Format, img.Width, img.Height, img.CreatedAt).Scan(&img.ID)
		if err != nil {
			return fmt.Errorf("create image: %w", err)
		}
		for i, r := range img.Renditions {
			if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO image_renditions
				(image_id, position, width, height, content_type, hash, data) VALUES (?, ?, ?, ?, ?, ?, ?)`),
				img.ID, i, r.Width, r.Height, r.ContentType, r.Hash, r.Data); err != nil {
				return fmt.Errorf("create image %d, rendition %d: %w", img.ID, i, err)
			}
		}
		return nil
	})
}

// FindImage returns an image and its renditions' sizes, types and
// hashes, without their bytes, or ENOTFOUND.
func (d *DB) FindImage(ctx context.Context, id int64) (*newsdesk.Image, error) {
	img := &newsdesk.Image{ID: id}
	err := d.db.QueryRowContext(ctx, d.q(`SELECT source_url, alt, credit, format, width, height, created_at
		FROM images WHERE id = ?`), id).
		Scan(&img.SourceURL, &img.Alt, &img.Credit, &img.Format, &img.Width, &img.Height, &img.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Image", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find image %d: %w", id, err)
	}
	img.CreatedAt = img.CreatedAt.UTC()
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT width, height, content_type, hash FROM image_renditions
		WHERE image_id = ? ORDER BY position`), id)
	if err != nil {
		return nil, fmt.Errorf("find image %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r newsdesk.ImageRendition
		if err := rows.Scan(&r.Width, &r.Height, &r.ContentType, &r.Hash); err != nil {
			return nil, fmt.Errorf("find image %d: %w", id, err)
		}
		img.Renditions = append(img.Renditions, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find image %d: %w", id, err)
	}
	return img, nil
}

// FindRendition returns the rendition whose bytes hash to hash, with
// its bytes, or ENOTFOUND. Any row with the hash will do: the hash
// names the bytes.
func (d *DB) FindRendition(ctx context.Context, hash string) (*newsdesk.ImageRendition, error) {
	if !storable(hash) {
		return nil, notFound("Image", hash) // and PostgreSQL would refuse to look
	}
	r := &newsdesk.ImageRendition{Hash: hash}
	err := d.db.QueryRowContext(ctx, d.q(`SELECT width, height, content_type, data FROM image_renditions
		WHERE hash = ? LIMIT 1`), hash).Scan(&r.Width, &r.Height, &r.ContentType, &r.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Image", hash)
	}
	if err != nil {
		return nil, fmt.Errorf("find rendition %s: %w", hash, err)
	}
	return r, nil
}

// UpdateImageText changes an image's alt text and credit, or returns
// ENOTFOUND.
func (d *DB) UpdateImageText(ctx context.Context, id int64, alt, credit string) error {
	res, err := d.db.ExecContext(ctx, d.q(`UPDATE images SET alt = ?, credit = ? WHERE id = ?`),
		cleanText(alt), cleanText(credit), id)
	if err != nil {
		return fmt.Errorf("update image %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Image", id)
	}
	return nil
}

// DeleteImage deletes an image and its renditions, or returns
// ENOTFOUND.
func (d *DB) DeleteImage(ctx context.Context, id int64) error {
	res, err := d.db.ExecContext(ctx, d.q(`DELETE FROM images WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("delete image %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Image", id)
	}
	return nil
}
