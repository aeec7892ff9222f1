package main

import (
	"maps"
	"slices"
	"testing"
)

// Logging is turned off only when Terraform discards it, and never over the user's choice.
func TestQuietWhenUnheard(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		off  []string // the variables set to off
	}{
		{"nothing asked", nil, unheardLogs},
		{"TF_LOG=off", map[string]string{"TF_LOG": "off"}, unheardLogs},
		{"TF_LOG=DEBUG", map[string]string{"TF_LOG": "DEBUG"}, nil},
		{"TF_LOG_PROVIDER=TRACE", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, nil},
		{"a level the user set stays", map[string]string{"TF_LOG_SDK": "INFO"}, unheardLogs[1:]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := maps.Clone(tc.env)
			if env == nil {
				env = map[string]string{}
			}
			var set []string
			quietWhenUnheard(func(k string) string { return env[k] }, func(k, v string) error {
				if v != "off" {
					t.Errorf("%s set to %q", k, v)
				}
				set = append(set, k)
				return nil
			})
			if !slices.Equal(set, tc.off) {
				t.Errorf("turned off %v, want %v", set, tc.off)
			}
		})
	}
}

// The provider ends once its parent is gone (reparented: another parent ID), and not before.
func TestExitWithParent(t *testing.T) {
	t.Parallel()
	calls := 0
	ppid := func() int {
		calls++
		if calls > 3 {
			return 1 // reparented to init
		}
		return 4242
	}
	exited := 0
	exitWithParent(ppid, 0, func() { exited = calls })
	if exited != 4 {
		t.Errorf("exited after %d looks at the parent, want 4 (the first that saw another parent)", exited)
	}
}
