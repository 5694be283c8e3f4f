package ferry

import "testing"

func TestPartialDirDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"default keeps partial data beside the file", Options{}, ".ferry-partial"},
		{"--partial-dir", Options{PartialDir: "/var/tmp/partials"}, "/var/tmp/partials"},
		{"--inplace keeps it in the file itself", Options{Inplace: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sessionConfig(tc.opts).PartialDir; got != tc.want {
				t.Errorf("PartialDir = %q, want %q", got, tc.want)
			}
		})
	}
}
