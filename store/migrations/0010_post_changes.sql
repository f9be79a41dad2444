-- Processes that keep something derived from posts current (the
-- related-articles index of each web process) read the posts changed
-- since they last looked, in (updated_at, id) order.

CREATE INDEX posts_updated ON posts (updated_at, id);
