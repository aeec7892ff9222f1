package devcloud

import (
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A second local cloud, started while a port it needs is taken (another checkout's cloud, a
// devstack), stops at once with the port, the process holding it and the variables that
// choose others; it installs, initialises and starts nothing.
func TestUp_refusesATakenPort(t *testing.T) {
	t.Parallel()
	ports := []string{
		"DEVCLOUD_KEYSTONE_PORT",
		"DEVCLOUD_SHORT_KEYSTONE_PORT",
		"DEVCLOUD_GLANCE_PORT",
		"DEVCLOUD_GLANCE2_PORT",
	}
	for _, variable := range ports {
		t.Run(variable, func(t *testing.T) {
			t.Parallel()
			held, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer held.Close()
			port := int(netip.MustParseAddrPort(held.Addr().String()).Port())
			// The other ports: free ones, so that only the held one can stop it.
			env := map[string]string{}
			for _, k := range ports {
				env[k] = fmt.Sprint(freePort(t))
			}
			env[variable] = fmt.Sprint(port)
			dir := t.TempDir()
			cmd := exec.Command("bash", "devcloud.sh", "up")
			cmd.Env = append(os.Environ(), "DEVCLOUD_DIR="+dir)
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("up succeeded beside a taken port %d:\n%s", port, out)
			}
			for _, want := range []string{
				fmt.Sprintf("127.0.0.1:%d is already in use by pid %d", port, os.Getpid()),
				variable + " is the one for",
			} {
				if !strings.Contains(string(out), want) {
					t.Errorf("the error does not say %q:\n%s", want, out)
				}
			}
			// It stopped before doing anything: no package, launcher, configuration, database,
			// pid file or log was written; only the empty directories it begins with are there.
			_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					t.Errorf("it wrote %s before refusing the port", path)
				}
				return err
			})
		})
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return int(netip.MustParseAddrPort(l.Addr().String()).Port())
}
