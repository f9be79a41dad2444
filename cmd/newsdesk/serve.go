package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/api"
	"github.com/newsdesk/newsdesk/demo"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/hub"
	"github.com/newsdesk/newsdesk/hubcallback"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/quietlog"
	"github.com/newsdesk/newsdesk/related/postindex"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/story"
	"github.com/newsdesk/newsdesk/web"
)

// Roles of a serve process.
const (
	roleAll    = "all"
	roleWeb    = "web"
	roleWorker = "worker"
)

// The demo editor, printed at start so a newcomer can sign in.
const (
	demoEmail    = "demo@example.com"
	demoPassword = "newsdesk-demo"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("serve", "serve [flags]",
		"Serves the public site (/), the editor's desk (/desk/) and the JSON API\n(/api/), and runs the background workers that poll sources, all in one\nprocess. Data lives in SQLite under ./newsdesk-data unless --database names\na PostgreSQL server; several processes may share one PostgreSQL database.")
	dsn := databaseFlag(fs)
	addr := fs.String("addr", "localhost:8080", "host:port to listen on (port 0 picks a free one)")
	role := fs.String("role", roleAll, "what this process does: all, web (HTTP only) or worker (jobs only)")
	demoFlag := fs.Bool("demo", false, "load sample outlets and posts, served from loopback, so the site is populated with no internet")
	title := fs.String("title", "newsdesk", "the public site's name")
	workers := fs.Int("workers", 8, "how many polls run at once in this process")
	feedsAtOnce := fs.Int("feeds-at-once", ingest.DefaultConcurrency, "how many feeds this process fetches and parses at once, whoever asks (polls, the desk, the API, WebSub); feeds over 1 MB are parsed one at a time whatever this says. More helps when many outlets are slow to answer; each one read may hold up to 10 MB")
	extractFlag := fs.Bool("extract", true, "fetch each new item's page, obeying the outlet's robots.txt, and store its article text; --extract=false stores only what feeds say")
	interval := fs.Duration("poll-interval", ingest.DefaultInterval, "time between polls of a healthy source until it has posted enough to show its own rhythm")
	minInterval := fs.Duration("min-poll-interval", ingest.DefaultMinInterval, "shortest time between polls of a source that posts often")
	maxInterval := fs.Duration("max-poll-interval", ingest.DefaultMaxInterval, "longest time between polls of a source that rarely posts")
	fetch := fetchFlags(fs)
	tick := fs.Duration("tick", time.Minute, "how often due sources are looked for")
	jobTimeout := fs.Duration("job-timeout", 2*time.Minute, "longest a job may run before it is stopped and tried again later; the jobs of a process that dies are taken over within about 20 seconds, whatever this says")
	secure := fs.Bool("secure-cookies", false, "mark sign-in cookies Secure (set this behind HTTPS)")
	publicURL := fs.String("public-url", "", "the address at which readers and WebSub hubs reach this newsdesk, such as https://news.example.org: every absolute link (feeds, the sitemap, WebSub callbacks) starts with it, never with the address a request names; when not set, links say http://localhost:<port of --addr> and WebSub is off; when set, a source whose feed names a hub is subscribed there and gets new items pushed to /websub/ as they are published, and is polled rarely")
	websubHub := fs.String("websub-hub", "", "comma-separated WebSub hubs to tell (hub.mode=publish) whenever a feed of the site changes, such as https://pubsubhubbub.appspot.com/, for the followers they have; the feeds name them after newsdesk's own hub at /hub. Needs --public-url")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if *role != roleAll && *role != roleWeb && *role != roleWorker {
		return newsdesk.Errorf(newsdesk.EINVALID, "Unknown role %q: use all, web or worker.", *role)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return newsdesk.Errorf(newsdesk.EINVALID, "Unknown log level %q.", *logLevel)
	}
	// Failures that repeat (every attempt while the database is down) are
	// written once, then summarised once a minute.
	logHandler := quietlog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}), quietlog.Options{})
	defer logHandler.Flush()
	logger := slog.New(logHandler)
	public, err := parsePublicURL(*publicURL)
	if err != nil {
		return err
	}

	// Listen before anything else takes a port, the demo's outlets
	// included, and before the slow work of starting: a taken port fails
	// at once.
	var ln net.Listener
	if *role != roleWorker {
		if ln, err = listen(*addr); err != nil {
			return err
		}
		defer ln.Close()
	}

	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	fetcher, err := fetch.fetcher()
	if err != nil {
		return err
	}
	var demoSrv *demo.Server
	if *demoFlag {
		// The demo outlets live on loopback, which newsdesk refuses unless
		// told otherwise: allow exactly the demo server's address and
		// port, and nothing else the machine serves.
		if demoSrv, err = demo.Start(); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer demoSrv.Close()
		fetcher.Allow = fetcher.Allow.Merge(ingest.MustAllow(hostPortOf(demoSrv.URL)))
	}
	// Every new item, however it arrives, enters the pipeline (poll,
	// extract, cluster: jobs/pipeline.go) through the items feeds store.
	pipeline, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db, Extract: *extractFlag, Logger: logger})
	if err != nil {
		return err
	}
	feeds := ingest.New(ingest.Config{Sources: db, Items: pipeline.Items(), Fetcher: fetcher, Concurrency: *feedsAtOnce,
		Interval: *interval, MinInterval: *minInterval, MaxInterval: *maxInterval, Logger: logger})
	var webSub *ingest.WebSub // nil: WebSub off
	var upkeep jobs.WebSub    // webSub for the job queue, a nil interface when off
	if public != nil {
		// Only a configured address: hubs on the internet cannot call
		// back to the localhost default.
		webSub = ingest.NewWebSub(feeds, ingest.WebSubConfig{Leases: db, PublicURL: public})
		upkeep = webSub
	}
	// newsdesk's own hub, for followers of its feeds: on with --public-url.
	feedHub, err := newFeedHub(db, fetcher, *title, public, *websubHub, logger)
	if err != nil {
		return err
	}
	var hubJobs jobs.Hub // feedHub for the job queue, a nil interface when off
	if feedHub != nil {
		hubJobs = feedHub
	}
	var extractor jobs.Extractor // nil: extraction off
	if *extractFlag {
		extractor = ingest.NewArticles(ingest.ArticlesConfig{Items: db, Articles: db, Fetcher: fetcher, Logger: logger})
	}
	queueWorkers := *workers
	if *role == roleWeb {
		queueWorkers = 0
	}
	riverLog := quietlog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: riverLevel(level)}), quietlog.Options{})
	defer riverLog.Flush()
	stories := story.NewService(story.Config{Store: db, Logger: logger})
	queue, err := jobs.New(jobs.Config{
		DB: db, Sources: db, Pipeline: pipeline, Feeds: feeds, Extractor: extractor, Stories: stories, WebSub: upkeep, Hub: hubJobs, Workers: queueWorkers,
		Tick: *tick, JobTimeout: *jobTimeout,
		Logger: slog.New(riverLog).With("part", "jobs"),
	})
	if err != nil {
		return err
	}

	if demoSrv != nil {
		if err := loadDemo(ctx, db, feeds, demoSrv); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}

	if queueWorkers > 0 {
		if err := queue.Start(ctx); err != nil {
			return fmt.Errorf("start workers: %w", err)
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := queue.Stop(stopCtx); err != nil {
				logger.Warn("stop workers", "err", err)
			}
		}()
	}

	if *role == roleWorker {
		fmt.Fprintf(e.stdout, "newsdesk worker running on %s (%d workers)\n", db.Dialect(), queueWorkers)
		<-ctx.Done()
		return nil
	}

	// The web process keeps its own index of the published posts for the
	// Related Articles of each post page, following changes in the database.
	rel := postindex.New(postindex.Config{Posts: db, Logger: logger.With("part", "related")})
	relCtx, stopRelated := context.WithCancel(ctx)
	relDone := make(chan struct{})
	go func() { rel.Run(relCtx); close(relDone) }()
	defer func() { stopRelated(); <-relDone }()

	if public == nil {
		public = defaultPublicURL(ln.Addr())
		logger.Warn(fmt.Sprintf("public URL not set; absolute links will say %s; set --public-url", public))
	}
	handler := routes(logger, db, feeds, stories, webSub, rel, feedHub, queue, *title, public.String(), *secure)
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "newsdesk listening on %s (%s database, role %s)\n", base, db.Dialect(), *role)
	fmt.Fprintf(e.stdout, "  site %s/  desk %s/desk/  api %s/api/posts\n", base, base, base)
	if demoSrv != nil {
		fmt.Fprintf(e.stdout, "  demo desk sign-in: %s / %s\n", demoEmail, demoPassword)
		fmt.Fprintf(e.stdout, "  demo outlets on %s/ (a free port each start)\n", demoSrv.URL)
	}

	errc := make(chan error, 1)
	go func() { errc <- server.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := server.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listen listens on addr, saying plainly why it cannot.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Cannot listen on %s: another program is using that port; --addr picks another.", addr)
		}
		return nil, newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Cannot listen on %s: %v", addr, err)
	}
	return ln, nil
}

// riverLevel is the log level for the job queue: River reports every few
// seconds at info, so only its warnings are shown unless debugging.
func riverLevel(level slog.Level) slog.Level {
	if level <= slog.LevelDebug {
		return level
	}
	return slog.LevelWarn
}

// loadDemo makes sure the demo editor exists, and follows the demo
// outlets and publishes the sample posts.
func loadDemo(ctx context.Context, db *store.DB, feeds newsdesk.FeedService, srv *demo.Server) error {
	staffService := staff.New(staff.Config{Users: db})
	u, err := staffService.FindUserByEmail(ctx, demoEmail)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		u = &newsdesk.User{Email: demoEmail, Name: "Demo Editor", Role: newsdesk.RoleAdmin}
		err = staffService.AddUser(ctx, u, demoPassword)
	}
	if err != nil {
		return err
	}
	return demo.Load(newsdesk.WithUser(ctx, u), srv, demo.Deps{Sources: db, Items: db, Feeds: feeds, Mover: db, Now: time.Now,
		Posts: posts.New(posts.Config{Posts: db, Items: db})})
}

// fetchOptions are the flags that shape how newsdesk fetches feeds.
type fetchOptions struct {
	allowPrivate *string
	perHost      *int
	hostDelay    *time.Duration
}

// fetchFlags adds the fetching flags to fs.
func fetchFlags(fs *flag.FlagSet) fetchOptions {
	return fetchOptions{
		allowPrivate: fs.String("allow-private", "", "comma-separated CIDR prefixes, addresses and host names that may be fetched although not public, for intranets (e.g. 10.0.0.0/8,intranet.example); newsdesk fetches from no other private, loopback, link-local or cloud-metadata address"),
		perHost:      fs.Int("per-host", ingest.DefaultPerHost, "most fetches at once from one host"),
		hostDelay:    fs.Duration("host-delay", ingest.DefaultHostDelay, "least time between the starts of two fetches from one host"),
	}
}

// fetcher returns the process's one Fetcher, so its per-host limits hold
// across every poll.
func (o fetchOptions) fetcher() (*ingest.Fetcher, error) {
	allow, err := ingest.ParseAllowList(*o.allowPrivate)
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "--allow-private: %v.", err)
	}
	f := ingest.NewFetcher()
	f.Allow = allow
	f.Hosts = ingest.NewHostLimiter(*o.perHost, *o.hostDelay)
	return f, nil
}

// hostPortOf returns the host and port of a URL.
func hostPortOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// routes mounts the site, the desk, the API, the WebSub callback (nil
// webSub: WebSub off) and the hub (nil feedHub: off) on one mux. Absolute
// links start with publicURL.
func routes(logger *slog.Logger, db *store.DB, feeds *ingest.Service, stories *story.Service, webSub *ingest.WebSub, rel *postindex.Index, feedHub *hub.Hub, queue *jobs.Queue, title, publicURL string, secure bool) http.Handler {
	mux := http.NewServeMux()
	// Posts written through the desk and the API reach this process's
	// related-articles index at once, not at its next look, and the
	// followers of the feeds they are in within seconds.
	stored := rel.Watch(db)
	if feedHub != nil {
		stored = feedHub.Watch(stored, queue)
		mux.Handle(hub.Path, feedHub.Handler(queue))
	}
	postService := posts.New(posts.Config{Posts: stored, Items: db})
	mux.Handle("/", site.New(site.Config{Posts: postService, Search: db, Title: title, Logger: logger, Related: rel, BaseURL: publicURL, Hubs: feedHub.Hubs()}))
	// One staff service for the desk's form and the API's Basic
	// authentication, so that failed sign-ins through each count together.
	staffService := staff.New(staff.Config{Users: db, Logger: logger})
	mux.Handle("/desk/", desk.New(desk.Config{
		Sources: db, Items: db, Posts: postService, Staff: staffService, Feeds: feeds, Stories: stories, Articles: db,
		Search: db, Logger: logger, Now: time.Now, SecureCookies: secure,
	}))
	mux.Handle("/api/", api.New(api.Config{
		Sources: db, Items: db, Posts: postService, Staff: staffService, Feeds: feeds, Search: db, Logger: logger,
	}))
	mux.Handle("/websub/", hubcallback.New(hubcallback.Config{WebSub: webSub, Logger: logger}))
	errs := web.ErrorWriter{Logger: logger}
	mux.Handle("GET /healthz", web.Healthz(db.SQL().PingContext, errs))
	// Whichever surface answers, a panic becomes a 500 and a log line, and
	// the answer carries the headers that no surface may forget.
	return web.RecoverPanics(web.Headers{ReferrerPolicy: "strict-origin-when-cross-origin", FrameOptions: "DENY"}.Wrap(mux), errs)
}
