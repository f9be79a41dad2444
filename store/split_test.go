package store

import (
	"slices"
	"strings"
	"testing"
)

// TestSplitStatements checks the migration shapes search needs beside the
// plain ones: a SQLite trigger body and a PostgreSQL function body hold
// semicolons of their own, and dialect sections keep to their database.
func TestSplitStatements(t *testing.T) {
	body := `-- A comment.
CREATE TABLE a (x INTEGER);

-- dialect: sqlite
CREATE TRIGGER t AFTER INSERT ON a
BEGIN
DELETE FROM b;
INSERT INTO b VALUES (new.x);
END;

-- dialect: postgres
CREATE FUNCTION f() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
IF TG_OP = 'DELETE' THEN
	PERFORM g(OLD.x);
END IF;
RETURN NULL;
END;
$$;
CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();

-- dialect: all
CREATE INDEX a_x ON a (x);
`
	for _, c := range []struct {
		dialect Dialect
		want    []string // each statement's first line
	}{
		{SQLite, []string{"CREATE TABLE a (x INTEGER);", "CREATE TRIGGER t AFTER INSERT ON a", "CREATE INDEX a_x ON a (x);"}},
		{Postgres, []string{"CREATE TABLE a (x INTEGER);", "CREATE FUNCTION f() RETURNS trigger",
			"CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();", "CREATE INDEX a_x ON a (x);"}},
	} {
		stmts := splitStatements(forDialect(body, c.dialect))
		var first []string
		for _, s := range stmts {
			line, _, _ := strings.Cut(s, "\n")
			first = append(first, line)
		}
		if !slices.Equal(first, c.want) {
			t.Errorf("%s: statements start\n%q\nwant\n%q", c.dialect, first, c.want)
		}
		for _, s := range stmts {
			if strings.HasPrefix(s, "CREATE TRIGGER t AFTER INSERT ON a\n") && !strings.HasSuffix(s, "END;") ||
				strings.HasPrefix(s, "CREATE FUNCTION") && !strings.HasSuffix(s, "$$;") {
				t.Errorf("%s: a body was cut:\n%s", c.dialect, s)
			}
		}
	}
}
