package main

import (
	"context"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// selfContained is the loader for a schema that refers to no other package: the
// AGB schema is one, and a reference to another package would need its plugin,
// which this tool does not fetch.
type selfContained struct{}

func (selfContained) refusal(name string) error {
	return fmt.Errorf("the schema refers to package %q; sdkgen generates self-contained schemas only", name)
}

func (l selfContained) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refusal(pkg)
}

func (l selfContained) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refusal(d.Name)
}

func (l selfContained) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refusal(pkg)
}

func (l selfContained) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refusal(d.Name)
}
