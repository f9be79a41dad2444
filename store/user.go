package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

const userColumns = `id, email, name, role, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (*newsdesk.User, error) {
	var u newsdesk.User
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// CreateUser stores a user; e-mail addresses are kept lower-case.
func (d *DB) CreateUser(ctx context.Context, u *newsdesk.User) error {
	cleanTexts(&u.Email, &u.Name, &u.PasswordHash)
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt = d.now()
	err := d.db.QueryRowContext(ctx, d.q(`INSERT INTO users (email, name, role, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), u.Email, u.Name, u.Role, u.PasswordHash, u.CreatedAt).Scan(&u.ID)
	if isConflict(err) {
		return newsdesk.WrapError(newsdesk.ECONFLICT, err, "A user with the e-mail %s exists already.", u.Email)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// FindUserByEmail returns the user, or ENOTFOUND.
func (d *DB) FindUserByEmail(ctx context.Context, email string) (*newsdesk.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !storable(email) {
		// No address is stored so (see cleanText), and PostgreSQL would
		// refuse to look.
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "No user has that e-mail address.")
	}
	u, err := scanUser(d.db.QueryRowContext(ctx, d.q(`SELECT `+userColumns+` FROM users WHERE email = ?`), email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User", email)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %s: %w", email, err)
	}
	return u, nil
}

// FindUserByID returns the user, or ENOTFOUND.
func (d *DB) FindUserByID(ctx context.Context, id int64) (*newsdesk.User, error) {
	u, err := scanUser(d.db.QueryRowContext(ctx, d.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// FindUsers returns every user by e-mail.
func (d *DB) FindUsers(ctx context.Context) ([]*newsdesk.User, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var out []*newsdesk.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("find users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPassword replaces a user's password hash and signs out their sessions.
func (d *DB) SetPassword(ctx context.Context, userID int64, hash string) error {
	hash = cleanText(hash)
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, d.q(`UPDATE users SET password_hash = ? WHERE id = ?`), hash, userID)
		if err != nil {
			return fmt.Errorf("set password of user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("User", userID)
		}
		_, err = tx.ExecContext(ctx, d.q(`DELETE FROM sessions WHERE user_id = ?`), userID)
		return err
	})
}

// CreateSession stores a session.
func (d *DB) CreateSession(ctx context.Context, s *newsdesk.Session) error {
	s.TokenHash = cleanText(s.TokenHash)
	_, err := d.db.ExecContext(ctx, d.q(`INSERT INTO sessions (token_hash, user_id, expires_at, created_at)
		VALUES (?, ?, ?, ?)`), s.TokenHash, s.UserID, s.ExpiresAt.UTC(), d.now())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession returns the session's user, or EUNAUTHORIZED.
func (d *DB) FindSession(ctx context.Context, tokenHash string, now time.Time) (*newsdesk.User, error) {
	if !storable(tokenHash) {
		return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "Please sign in.")
	}
	u, err := scanUser(d.db.QueryRowContext(ctx, d.q(`SELECT u.id, u.email, u.name, u.role, u.password_hash, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`), tokenHash, now.UTC()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "Please sign in.")
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	return u, nil
}

// DeleteSession deletes a session; a missing one is no error.
func (d *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if !storable(tokenHash) {
		return nil
	}
	if _, err := d.db.ExecContext(ctx, d.q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
