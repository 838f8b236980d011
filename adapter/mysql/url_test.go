package mysql_test

import (
	"errors"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url                    string
		addr, user, pass, name string
	}{
		{"mysql://u:p@db.example:3307/app", "db.example:3307", "u", "p", "app"},
		{"mariadb://u@db.example/app", "db.example:3306", "u", "", "app"},
		{"mysql:///app", "127.0.0.1:3306", "", "", "app"},
		{"mysql://u@[::1]:3307/app", "[::1]:3307", "u", "", "app"},
		{"mysql://u:s3cr3t%21pw%2F%40@h/my%2Dapp", "h:3306", "u", "s3cr3t!pw/@", "my-app"},
	} {
		cfg, _, err := mysql.ParseURL(tc.url)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tc.url, err)
			continue
		}
		if cfg.Net != "tcp" || cfg.Addr != tc.addr || cfg.User != tc.user || cfg.Passwd != tc.pass || cfg.DBName != tc.name {
			t.Errorf("ParseURL(%q) = net %q addr %q user %q pass %q db %q, want tcp %q %q %q %q",
				tc.url, cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName, tc.addr, tc.user, tc.pass, tc.name)
		}
	}
}

// Every driver option passes through, including values with a "/" (which
// the driver's DSN syntax would otherwise read as the database separator),
// and unknown ones become session variables; schedstore_migrate does not.
func TestParseURLPassesParams(t *testing.T) {
	cfg, _, err := mysql.ParseURL("mysql://u@h/app?timeout=5s&readTimeout=2s&tls=skip-verify" +
		"&connectionAttributes=app:a/b&sql_mode=%27TRADITIONAL%27&schedstore_migrate=false")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timeout != 5*time.Second || cfg.ReadTimeout != 2*time.Second || cfg.TLSConfig != "skip-verify" ||
		cfg.ConnectionAttributes != "app:a/b" || cfg.Params["sql_mode"] != "'TRADITIONAL'" || cfg.DBName != "app" {
		t.Errorf("options lost: %+v", cfg)
	}
	if _, ok := cfg.Params["schedstore_migrate"]; ok {
		t.Errorf("schedstore_migrate reached the driver as a session variable: %v", cfg.Params)
	}
}

// The options schedstore relies on win over the URL's.
func TestParseURLForcesOptions(t *testing.T) {
	cfg, _, err := mysql.ParseURL("mysql://u@h/app?parseTime=false&loc=Local&interpolateParams=false" +
		"&clientFoundRows=false&multiStatements=true&time_zone=%27SYSTEM%27")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.ParseTime || cfg.Loc != time.UTC || !cfg.InterpolateParams || !cfg.ClientFoundRows ||
		cfg.MultiStatements || cfg.Params["time_zone"] != "'+00:00'" {
		t.Errorf("forced options not forced: parseTime %v loc %v interpolateParams %v clientFoundRows %v "+
			"multiStatements %v time_zone %q", cfg.ParseTime, cfg.Loc, cfg.InterpolateParams,
			cfg.ClientFoundRows, cfg.MultiStatements, cfg.Params["time_zone"])
	}
}

const password = "s3cr3t!pw"

func TestBadURL(t *testing.T) {
	for _, raw := range []string{
		"postgres://u:" + password + "@h/app",
		"mysql:u:" + password + "@h/app",
		"mysql://u:" + password + "@h",
		"mysql://u:" + password + "@h/",
		"mysql://u:" + password + "@h/a/b",
		"mysql://u:" + password + "@h/app?schedstore_migrate=maybe",
		"mysql://u:" + password + "@h/app?timeout=soon",
		"mysql://u:" + password + "@h/app?charset=big5&collation=big5_chinese_ci",
		"mysql://u:" + password + "@h:port/app",
	} {
		_, _, parseErr := mysql.ParseURL(raw)
		_, openErr := mysql.Open(t.Context(), raw)
		for _, err := range []error{parseErr, openErr} {
			if !errors.Is(err, schedstore.ErrUnsupportedURL) {
				t.Errorf("%q: got %v, want ErrUnsupportedURL", raw, err)
			} else if strings.Contains(err.Error(), password) {
				t.Errorf("%q: the error shows the password: %v", raw, err)
			}
		}
	}
}

// A server that is not there: the dial error must not quote the password,
// whether Open fails migrating or connecting.
func TestOpenErrorHidesPassword(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	base := "mysql://root:" + password + "@127.0.0.1:" + strconv.Itoa(port) + "/app?timeout=2s"
	for _, raw := range []string{base, base + "&schedstore_migrate=false"} {
		_, err := mysql.Open(t.Context(), raw)
		if err == nil {
			t.Fatalf("Open(%q) succeeded on a closed port", raw)
		}
		t.Logf("Open: %v", err)
		if msg := err.Error(); strings.Contains(msg, password) || strings.Contains(msg, url.QueryEscape(password)) {
			t.Errorf("Open's error shows the password: %v", err)
		}
	}
}

// A real server refusing the password: its message must not quote it either.
func TestOpenWrongPasswordHidesPassword(t *testing.T) {
	u, err := url.Parse(testdb.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username()+"_nobody", password)
	_, err = mysql.Open(t.Context(), u.String())
	if err == nil {
		t.Fatal("Open with a wrong user and password succeeded")
	}
	t.Logf("Open: %v", err)
	if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), url.QueryEscape(password)) {
		t.Errorf("Open's error shows the password: %v", err)
	}
}

// schedstore_migrate=false opens without touching the schema.
func TestOpenWithoutMigrating(t *testing.T) {
	raw := testdb.MySQL(t)
	b := openStore(t, withQuery(t, raw, "schedstore_migrate", "false"))
	if tables := tableNames(t, b.DB()); len(tables) != 0 {
		t.Fatalf("schedstore_migrate=false created tables %v", tables)
	}
	if err := b.Create(t.Context(), schedstore.NewCron("job", "@daily")); err == nil {
		t.Fatal("Create succeeded without a schema")
	}
	openStore(t, raw)
	if got := tableNames(t, b.DB()); !slices.Contains(got, "scheduled_tasks") {
		t.Fatalf("Open without the option did not migrate: tables %v", got)
	}
}

func withQuery(t testing.TB, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
