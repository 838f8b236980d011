package main

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sessions and the access rules of `schedstore serve`:
//
//   - With a token, every request needs it: the API, /metrics, /healthz
//     and /readyz as "Authorization: Bearer TOKEN"; the browser through the
//     sign-in form, which sets a session cookie (HttpOnly, SameSite=Strict).
//     Only /login and /static/ are open.
//   - Without a token (loopback only), the pages still get a session, for
//     its CSRF token, and only requests whose Host is a loopback name are
//     served (a DNS-rebinding page cannot reach the API).
//   - Every form that changes something carries the session's CSRF token,
//     checked in constant time; cross-origin browser requests that are not
//     GET or HEAD are refused (http.CrossOriginProtection).

const (
	sessionCookie   = "schedstore_session"
	sessionLifetime = 12 * time.Hour
	maxSessions     = 10000
	csrfField       = "csrf"
)

type session struct {
	id      string
	csrf    string
	authed  bool // signed in with the token (always true without one)
	expires time.Time
}

type sessionStore struct {
	mu       sync.Mutex
	sessions map[string]*session
	now      func() time.Time
}

func newSessionStore(now func() time.Time) *sessionStore {
	return &sessionStore{sessions: map[string]*session{}, now: now}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session, evicting expired ones (and, past maxSessions,
// the one closest to expiring).
func (st *sessionStore) create(authed bool) *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	if len(st.sessions) >= maxSessions {
		var oldest *session
		for id, s := range st.sessions {
			if now.After(s.expires) {
				delete(st.sessions, id)
			} else if oldest == nil || s.expires.Before(oldest.expires) {
				oldest = s
			}
		}
		if len(st.sessions) >= maxSessions && oldest != nil {
			delete(st.sessions, oldest.id)
		}
	}
	s := &session{id: randomToken(), csrf: randomToken(), authed: authed, expires: now.Add(sessionLifetime)}
	st.sessions[s.id] = s
	return s
}

// get returns the live session the request's cookie names, or nil.
func (st *sessionStore) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.sessions[c.Value]
	if s == nil {
		return nil
	}
	if st.now().After(s.expires) {
		delete(st.sessions, s.id)
		return nil
	}
	return s
}

func (st *sessionStore) drop(s *session) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.sessions, s.id)
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, s *session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(sessionLifetime / time.Second)})
}

func clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// equalSecret compares in constant time, whatever the lengths.
func equalSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// bearer returns the request's bearer token, or "".
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// machinePath reports whether a path is for programs (bearer token), not
// for the browser (session cookie).
func machinePath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/metrics" || p == "/healthz" || p == "/readyz"
}

func publicPath(p string) bool { return p == "/login" || strings.HasPrefix(p, "/static/") }

// isLoopbackHost reports whether a Host header (or listen address) names
// this machine: localhost, 127.0.0.0/8 or ::1.
func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// securityHeaders are on every response.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// guard applies the access rules above around next.
func (s *webServer) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.deny(w, r, http.StatusForbidden, "cross-origin request refused")
	}))
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		if s.token == "" && !isLoopbackHost(r.Host) {
			s.deny(w, r, http.StatusMisdirectedRequest, "this server answers only to localhost (start it with --token to serve other names)")
			return
		}
		p := r.URL.Path
		switch {
		case publicPath(p):
		case machinePath(p):
			if s.token != "" && !equalSecret(bearer(r), s.token) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="schedstore"`)
				s.deny(w, r, http.StatusUnauthorized, "missing or wrong bearer token")
				return
			}
		default:
			sess := s.sessions.get(r)
			if sess == nil && s.token == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				sess = s.sessions.create(true)
				setSessionCookie(w, r, sess)
			}
			if sess == nil || !sess.authed {
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.deny(w, r, http.StatusForbidden, "sign in first")
				return
			}
			r = r.WithContext(withSession(r.Context(), sess))
		}
		next.ServeHTTP(w, r)
	})
	return cop.Handler(inner)
}

// checkCSRF reads the posted form (size-limited) and checks its CSRF
// token against the session's.
func (s *webServer) checkCSRF(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.deny(w, r, http.StatusBadRequest, "unreadable form")
		return false
	}
	sess := sessionOf(r.Context())
	if sess == nil || !equalSecret(r.PostFormValue(csrfField), sess.csrf) {
		s.deny(w, r, http.StatusForbidden, "the form has expired or did not come from this site; reload the page and try again")
		return false
	}
	return true
}
