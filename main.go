// Command terraform-provider-glance serves the glance Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/provider"
)

// version is set at release time (goreleaser -ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debugMode {
		quietWhenUnheard(os.Getenv, os.Setenv)
	}
	// A provider process lives for one Terraform command and its heap stays small: collect
	// garbage 4 times less often than Go's default (GOGC=100), which the user can still set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	if !debugMode {
		go exitWithParent(os.Getppid, time.Second, func() { os.Exit(1) })
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/glancetf/glance",
		Debug:           debugMode,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// unheardLogs are the log levels of the plugin SDK, the framework and this provider.
var unheardLogs = []string{
	"TF_LOG_SDK",
	"TF_LOG_SDK_PROTO",
	"TF_LOG_SDK_FRAMEWORK",
	"TF_LOG_PROVIDER_GLANCE",
	glanceclient.LogLevelEnv,
}

// quietWhenUnheard turns logging off in this process when Terraform would throw it away:
// Terraform keeps a provider's log lines only when TF_LOG or TF_LOG_PROVIDER asks for them,
// yet the plugin SDK formats TRACE lines for every call regardless, a quarter of the
// provider's CPU on a plan. A level the user set is left alone. (Under -debug the process's
// own stderr is the log, so main does not call this.)
func quietWhenUnheard(getenv func(string) string, setenv func(string, string) error) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if l := getenv(v); l != "" && !strings.EqualFold(l, "off") {
			return
		}
	}
	for _, v := range unheardLogs {
		if getenv(v) == "" {
			_ = setenv(v, "off")
		}
	}
}

// exitWithParent ends the provider when the process that started it is gone. Terraform stops
// its providers when it ends, but one killed (SIGKILL, as CI systems cancel jobs) cannot, and
// go-plugin serves on until told to stop: the provider would outlive it, idle. Reparented,
// it sees another parent ID (init, or a subreaper) within a poll.
func exitWithParent(ppid func() int, poll time.Duration, exit func()) {
	parent := ppid()
	for {
		time.Sleep(poll)
		if ppid() != parent {
			exit()
			return
		}
	}
}
