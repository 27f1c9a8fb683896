package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

const (
	domainGPU = "shared/DOMAIN.md §1.2 (NVIDIA H100/A100 datasheets)"

	awsSource = "shared/DOMAIN.md §7.1, from SkyPilot catalog https://github.com/skypilot-org/skypilot-catalog " +
		"catalogs/v7/aws/vms.csv (on-demand Linux; may predate AWS's mid-2025 P4/P5 price cuts)"
	gcpSource = "SkyPilot catalog https://github.com/skypilot-org/skypilot-catalog/blob/" +
		"017e2502fb63c7a28757acd94002b2d6099d3e3d/catalogs/v7/gcp/vms.csv: host VM row + accelerator row " +
		"(GCP bills the GPU separately; total = VM + GPUs, shared/DOMAIN.md §7.1)"
	azureSource = "SkyPilot catalog https://github.com/skypilot-org/skypilot-catalog/blob/" +
		"098741e70562f65d7af1cceb81e33b284f742604/catalogs/v6/azure/vms.csv (that snapshot lists US regions only)"
	// hardwareReadOn is when the instance rows were read (the catalogs' own dates are not recorded there).
	hardwareReadOn = "2026-11-25"
)

func gpus() []catalog.GPU {
	p := func(src string, est bool) catalog.Provenance {
		return catalog.Provenance{Source: src, AsOf: hardwareReadOn, Estimate: est}
	}
	out := []catalog.GPU{
		{Name: "H100-80GB", MemoryGB: 80, BF16TFLOPS: 989, HBMTBPerSec: 3.35, Provenance: p(domainGPU+": H100 SXM 989 TFLOPS BF16 dense, 3.35 TB/s HBM3, 80 GB", false)},
		{Name: "A100-80GB", MemoryGB: 80, BF16TFLOPS: 312, HBMTBPerSec: 2.0, Provenance: p(domainGPU+": A100 80GB 312 TFLOPS BF16, ~2.0 TB/s", true)},
		{Name: "A100-40GB", MemoryGB: 40, BF16TFLOPS: 312, HBMTBPerSec: 1.555, Provenance: p("NVIDIA A100 Tensor Core GPU datasheet (40 GB SXM: 312 TFLOPS BF16 dense, 1,555 GB/s)", false)},
		{Name: "H200-141GB", MemoryGB: 141, BF16TFLOPS: 989, HBMTBPerSec: 4.8, Provenance: p("NVIDIA H200 Tensor Core GPU datasheet (141 GB HBM3e, 4.8 TB/s, 989 TFLOPS BF16 dense)", false)},
		{Name: "H100-NVL-94GB", MemoryGB: 94, BF16TFLOPS: 835, HBMTBPerSec: 3.9, Provenance: p("NVIDIA H100 NVL datasheet (94 GB, 3.9 TB/s; 1,671 TFLOPS BF16 with sparsity, halved for dense); Azure NC H100 v5 uses H100 NVL", true)},
		{Name: "A10G-24GB", MemoryGB: 24, BF16TFLOPS: 70, HBMTBPerSec: 0.6, Provenance: p("AWS G5 instance page (A10G, 24 GB); tensor throughput not published by AWS, estimated", true)},
		{Name: "A10-24GB", MemoryGB: 24, BF16TFLOPS: 125, HBMTBPerSec: 0.6, Provenance: p("NVIDIA A10 Tensor Core GPU datasheet (24 GB GDDR6, 600 GB/s, 125 TFLOPS BF16 dense)", false)},
		{Name: "V100-16GB", MemoryGB: 16, BF16TFLOPS: 125, HBMTBPerSec: 0.9, Provenance: p("NVIDIA V100 datasheet (16 GB, 900 GB/s); V100 has no BF16: the figure is FP16 tensor throughput", true)},
	}
	slices.SortFunc(out, func(a, b catalog.GPU) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

type instanceRow struct {
	provider, typ, gpu, region string
	count                      int
	hourly                     string   // total on-demand $/h; empty when parts is set
	parts                      []string // GCP: VM price, accelerator price (for all GPUs of the instance)
	source                     string
	estimate                   bool
	observedOn                 string // when the price was seen, if the source says; "" otherwise
}

// awsGPUCut is the caveat of AWS P4 and P5 rows: SkyPilot's snapshot does not date its rows, and AWS cut
// their on-demand prices in June 2025.
const awsGPUCut = "AWS cut P4 and P5 (P4d, P4de, P5, P5en) on-demand prices by up to 45 % from June 2025 " +
	"(AWS announcement, 2025-06); this undated row may be from before the cut: check the current price list"

var instanceRows = []instanceRow{
	// AWS: SkyPilot's AWS catalog (awsSource)
	{provider: "AWS", typ: "p5.48xlarge", gpu: "H100-80GB", count: 8, region: "us-east-1", hourly: "98.32"},
	{provider: "AWS", typ: "p5.48xlarge", gpu: "H100-80GB", count: 8, region: "us-east-2", hourly: "98.32"},
	{provider: "AWS", typ: "p5.48xlarge", gpu: "H100-80GB", count: 8, region: "us-west-2", hourly: "98.32"},
	{provider: "AWS", typ: "p5.48xlarge", gpu: "H100-80GB", count: 8, region: "eu-north-1", hourly: "105.20"},
	{provider: "AWS", typ: "p5.48xlarge", gpu: "H100-80GB", count: 8, region: "eu-west-2", hourly: "127.816"},
	{provider: "AWS", typ: "p5.48xlarge", gpu: "H100-80GB", count: 8, region: "ap-northeast-1", hourly: "123.195"},
	{provider: "AWS", typ: "p5en.48xlarge", gpu: "H200-141GB", count: 8, region: "us-east-1", hourly: "84.80"},
	{provider: "AWS", typ: "p4de.24xlarge", gpu: "A100-80GB", count: 8, region: "us-east-1", hourly: "40.96575"},
	{provider: "AWS", typ: "p4d.24xlarge", gpu: "A100-40GB", count: 8, region: "us-east-1", hourly: "32.7726"},
	{provider: "AWS", typ: "p4d.24xlarge", gpu: "A100-40GB", count: 8, region: "eu-west-1", hourly: "35.39655"},
	{provider: "AWS", typ: "p4d.24xlarge", gpu: "A100-40GB", count: 8, region: "eu-central-1", hourly: "40.94475"},
	{provider: "AWS", typ: "p3.8xlarge", gpu: "V100-16GB", count: 4, region: "us-east-1", hourly: "12.24"},
	{provider: "AWS", typ: "g5.xlarge", gpu: "A10G-24GB", count: 1, region: "us-east-1", hourly: "1.006",
		source: "shared/DOMAIN.md §7.1, from factualminds (Jun 2026), a secondary source", estimate: true, observedOn: "2026-06"},

	// GCP: VM row + accelerator row for the instance's GPU count, same region.
	{provider: "GCP", typ: "a2-highgpu-1g", gpu: "A100-40GB", count: 1, region: "us-central1", parts: []string{"0.73948", "2.93391"}},
	{provider: "GCP", typ: "a2-highgpu-1g", gpu: "A100-40GB", count: 1, region: "europe-west4", parts: []string{"0.81406", "1.61365"}},
	{provider: "GCP", typ: "a2-highgpu-8g", gpu: "A100-40GB", count: 8, region: "us-central1", parts: []string{"5.91582", "23.47126"}},
	{provider: "GCP", typ: "a2-highgpu-8g", gpu: "A100-40GB", count: 8, region: "europe-west4", parts: []string{"6.51251", "12.90919"}},
	{provider: "GCP", typ: "a2-ultragpu-1g", gpu: "A100-80GB", count: 1, region: "us-central1", parts: []string{"1.09962", "1.8462"}},
	{provider: "GCP", typ: "a2-ultragpu-1g", gpu: "A100-80GB", count: 1, region: "europe-west4", parts: []string{"1.2105", "2.03285"}},
	{provider: "GCP", typ: "a2-ultragpu-8g", gpu: "A100-80GB", count: 8, region: "us-central1", parts: []string{"8.79698", "14.76958"}},
	{provider: "GCP", typ: "a2-ultragpu-8g", gpu: "A100-80GB", count: 8, region: "europe-west4", parts: []string{"9.68403", "16.26278"}},
	{provider: "GCP", typ: "a3-highgpu-1g", gpu: "H100-80GB", count: 1, region: "us-central1", parts: []string{"1.18251", "4.20076"}},
	{provider: "GCP", typ: "a3-highgpu-1g", gpu: "H100-80GB", count: 1, region: "europe-west1", parts: []string{"1.30206", "10.78698"}},
	{provider: "GCP", typ: "a3-highgpu-1g", gpu: "H100-80GB", count: 1, region: "europe-west4", parts: []string{"1.24163", "12.73552"}},
	{provider: "GCP", typ: "a3-highgpu-1g", gpu: "H100-80GB", count: 1, region: "asia-southeast1", parts: []string{"1.45886", "4.20076"}},
	{provider: "GCP", typ: "a3-highgpu-2g", gpu: "H100-80GB", count: 2, region: "us-central1", parts: []string{"2.36502", "8.40152"}},
	{provider: "GCP", typ: "a3-highgpu-2g", gpu: "H100-80GB", count: 2, region: "europe-west1", parts: []string{"2.60412", "21.57396"}},
	{provider: "GCP", typ: "a3-highgpu-2g", gpu: "H100-80GB", count: 2, region: "europe-west4", parts: []string{"2.48327", "25.47103"}},
	{provider: "GCP", typ: "a3-highgpu-4g", gpu: "H100-80GB", count: 4, region: "us-central1", parts: []string{"4.73003", "16.80304"}},
	{provider: "GCP", typ: "a3-highgpu-4g", gpu: "H100-80GB", count: 4, region: "europe-west4", parts: []string{"4.96653", "50.94206"}},

	// Azure
	{provider: "AZURE", typ: "Standard_NC24ads_A100_v4", gpu: "A100-80GB", count: 1, region: "eastus", hourly: "3.673",
		observedOn: "2026-06"}, // matches the ≈3.67 $/h a blog post read on rmmartins.com (Jun 2026) gives
	{provider: "AZURE", typ: "Standard_NC24ads_A100_v4", gpu: "A100-80GB", count: 1, region: "westus2", hourly: "3.673"},
	{provider: "AZURE", typ: "Standard_NC24ads_A100_v4", gpu: "A100-80GB", count: 1, region: "southcentralus", hourly: "4.408"},
	{provider: "AZURE", typ: "Standard_NC48ads_A100_v4", gpu: "A100-80GB", count: 2, region: "eastus", hourly: "7.346"},
	{provider: "AZURE", typ: "Standard_NC48ads_A100_v4", gpu: "A100-80GB", count: 2, region: "southcentralus", hourly: "8.815"},
	{provider: "AZURE", typ: "Standard_NC96ads_A100_v4", gpu: "A100-80GB", count: 4, region: "eastus", hourly: "14.692"},
	{provider: "AZURE", typ: "Standard_NC96ads_A100_v4", gpu: "A100-80GB", count: 4, region: "southcentralus", hourly: "17.63"},
	{provider: "AZURE", typ: "Standard_ND96amsr_A100_v4", gpu: "A100-80GB", count: 8, region: "eastus", hourly: "32.77"},
	{provider: "AZURE", typ: "Standard_ND96amsr_A100_v4", gpu: "A100-80GB", count: 8, region: "southcentralus", hourly: "39.324"},
	{provider: "AZURE", typ: "Standard_NC40ads_H100_v5", gpu: "H100-NVL-94GB", count: 1, region: "eastus", hourly: "6.98"},
	{provider: "AZURE", typ: "Standard_NC40ads_H100_v5", gpu: "H100-NVL-94GB", count: 1, region: "southcentralus", hourly: "8.38"},
	{provider: "AZURE", typ: "Standard_NC80adis_H100_v5", gpu: "H100-NVL-94GB", count: 2, region: "eastus", hourly: "13.96"},
	{provider: "AZURE", typ: "Standard_NC80adis_H100_v5", gpu: "H100-NVL-94GB", count: 2, region: "southcentralus", hourly: "16.76"},
	{provider: "AZURE", typ: "Standard_NV36ads_A10_v5", gpu: "A10-24GB", count: 1, region: "eastus", hourly: "3.2"},
	{provider: "AZURE", typ: "Standard_NV36ads_A10_v5", gpu: "A10-24GB", count: 1, region: "westus2", hourly: "3.2"},
}

func buildInstances() ([]catalog.Instance, error) {
	var out []catalog.Instance
	for _, r := range instanceRows {
		total, err := r.total()
		if err != nil {
			return nil, fmt.Errorf("instance %s %s: %w", r.typ, r.region, err)
		}
		src := r.source
		if src == "" {
			src = map[string]string{"AWS": awsSource, "GCP": gcpSource, "AZURE": azureSource}[r.provider]
		}
		in := catalog.Instance{
			Provider: r.provider, Type: r.typ, GPU: r.gpu, GPUCount: r.count, Region: r.region, HourlyUSD: total,
			ObservedOn: r.observedOn,
			Provenance: catalog.Provenance{Source: src, AsOf: hardwareReadOn, Estimate: r.estimate},
		}
		if r.provider == "AWS" && (strings.HasPrefix(r.typ, "p4") || strings.HasPrefix(r.typ, "p5")) {
			in.PriceCaveat = awsGPUCut
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b catalog.Instance) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Region, b.Region))
	})
	return out, nil
}

func (r instanceRow) total() (decimal.Decimal, error) {
	if len(r.parts) == 0 {
		return decimal.NewFromString(r.hourly)
	}
	sum := decimal.Zero
	for _, p := range r.parts {
		d, err := decimal.NewFromString(p)
		if err != nil {
			return decimal.Zero, err
		}
		sum = sum.Add(d)
	}
	return sum, nil
}
