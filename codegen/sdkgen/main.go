// Command sdkgen writes a Pulumi package's SDK from its schema, with the
// codegen of github.com/pulumi/pulumi/pkg/v3 at the CLI's version.
//
// `pulumi package gen-sdk` asks the language host to generate, and the v3.68.0
// hosts this project builds answer "GeneratePackage not implemented"; the
// codegen package itself has no such gap.
//
//	sdkgen -schema schema.json -version 0.2.0 -out sdk/python          # write
//	sdkgen -schema schema.json -version 0.2.0 -out sdk/python -check   # compare
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-agb-sdkgen"

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	version := flag.String("version", "", "the package version to stamp into the SDK (required)")
	language := flag.String("language", "python", "the SDK language (python)")
	out := flag.String("out", "", "the SDK folder: replaced by the generated files")
	check := flag.Bool("check", false, "write nothing; exit 1 when -out differs from what the schema generates")
	flag.Parse()
	if *schemaPath == "" || *version == "" || *out == "" {
		fail(2, "usage: sdkgen -schema FILE -version X.Y.Z -out DIR [-language python] [-check]")
	}
	if *language != "python" {
		fail(2, "sdkgen: language %q is not supported (python only)", *language)
	}

	files, err := generate(*schemaPath, *version)
	if err != nil {
		fail(1, "sdkgen: %v", err)
	}
	if *check {
		differences, err := compare(*out, files)
		if err != nil {
			fail(1, "sdkgen: %v", err)
		}
		if len(differences) > 0 {
			for _, d := range differences {
				fmt.Fprintln(os.Stderr, d)
			}
			fail(1, "sdkgen: %s differs from what %s generates (%d files); regenerate it", *out, *schemaPath, len(differences))
		}
		fmt.Printf("sdkgen: %s matches %s (%d files)\n", *out, *schemaPath, len(files))
		return
	}
	if err := write(*out, files); err != nil {
		fail(1, "sdkgen: %v", err)
	}
	fmt.Printf("sdkgen: wrote %d files to %s\n", len(files), *out)
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(code)
}

// generate binds the schema with the version stamped in and runs the Python codegen.
func generate(schemaPath, version string) (map[string][]byte, error) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	spec.Version = version
	// Without respectSchemaVersion the codegen writes 0.0.0 (providers usually sed it in later), and a
	// program importing the SDK then asks the engine for the plugin at 0.0.0.
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	pythonInfo := map[string]any{}
	if existing, ok := spec.Language["python"]; ok {
		if err := json.Unmarshal(existing, &pythonInfo); err != nil {
			return nil, fmt.Errorf("%s: language.python: %w", schemaPath, err)
		}
	}
	pythonInfo["respectSchemaVersion"] = true
	if spec.Language["python"], err = json.Marshal(pythonInfo); err != nil {
		return nil, err
	}

	pkg, diags, err := schema.BindSpec(spec, selfContained{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}
	return python.GeneratePackage(tool, pkg, nil, selfContained{})
}

// write replaces dir with exactly the generated files, so a file the schema no longer makes goes too.
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, content := range files {
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// compare lists each file that is missing, extra or different in dir.
func compare(dir string, files map[string][]byte) ([]string, error) {
	var differences []string
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() {
			// Python writes these beside the sources it runs; they are not the SDK.
			if entry.Name() == "__pycache__" || filepath.Ext(entry.Name()) == ".egg-info" {
				return filepath.SkipDir
			}
			return nil
		}
		name, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		seen[name] = true
		want, ok := files[name]
		if !ok {
			differences = append(differences, "extra:   "+name)
			return nil
		}
		got, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			differences = append(differences, "changed: "+name)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	for name := range files {
		if !seen[name] {
			differences = append(differences, "missing: "+name)
		}
	}
	sort.Strings(differences)
	return differences, nil
}
