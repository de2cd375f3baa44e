// Row 12 (issue 16): the AWS SDK for Go v2 (Debian's golang-github-aws-aws-sdk-go-v2-dev)
// as the compiled peer, against the same nginx and fixtures as the C rows.
//
//	go_personalize e2e URL SECONDS  DescribeBatchInferenceJob on one client (keep-alive, no
//	                                retries, static credentials), as fast as it goes; prints
//	                                "calls" per second
//	go_personalize once URL         one call as a program would make it (config from the
//	                                environment and shared files, as LoadDefaultConfig
//	                                reads them), the output printed as JSON
//	go_personalize decode DIR SECONDS  the SDK's generated deserializers on DIR's fixtures
//	                                (the shim in bench/go/shim); prints "decode.go.FX" MB/s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
)

const arn = "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/movie-recs-nightly-2024-01-15"

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go_personalize: "+format+"\n", args...)
	os.Exit(1)
}

// bufferedBody is the SDK's default HTTP client with the request body read into memory
// before it is sent. Debian's SDK (1.17.1, smithy-go 1.13.3) closes the request body as soon
// as the response arrives; against a server that answers that fast (nginx on loopback)
// net/http's write loop then sometimes still holds it and drops the connection under the
// response being read: "use of closed network connection", aws/aws-sdk-go-v2 issue #1825,
// fixed in later smithy-go. Without this, the keep-alive loop fails within a few hundred
// calls.
type bufferedBody struct{ c *awshttp.BuildableClient }

func (b bufferedBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	return b.c.Do(r)
}

func describe(ctx context.Context, c *personalize.Client) {
	out, err := c.DescribeBatchInferenceJob(ctx, &personalize.DescribeBatchInferenceJobInput{
		BatchInferenceJobArn: aws.String(arn)})
	if err != nil {
		fail("describe: %v", err)
	}
	if out.BatchInferenceJob == nil || out.BatchInferenceJob.Status == nil {
		fail("describe decoded no job")
	}
}

func e2e(url string, secs float64) {
	ctx := context.Background()
	c := personalize.New(personalize.Options{
		Region:           "us-west-2",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		EndpointResolver: personalize.EndpointResolverFromURL(url),
		Retryer:          aws.NopRetryer{},
		HTTPClient:       bufferedBody{awshttp.NewBuildableClient()},
	})
	describe(ctx, c) // connect and warm up
	n := 0
	t0 := time.Now()
	var el time.Duration
	for {
		describe(ctx, c)
		n++
		if el = time.Since(t0); el.Seconds() >= secs {
			break
		}
	}
	fmt.Printf("calls %.2f\n", float64(n)/el.Seconds())
}

func once(url string) {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-west-2"))
	if err != nil {
		fail("config: %v", err)
	}
	c := personalize.NewFromConfig(cfg, func(o *personalize.Options) {
		o.EndpointResolver = personalize.EndpointResolverFromURL(url)
		o.HTTPClient = bufferedBody{awshttp.NewBuildableClient()}
	})
	out, err := c.DescribeBatchInferenceJob(ctx, &personalize.DescribeBatchInferenceJobInput{
		BatchInferenceJobArn: aws.String(arn)})
	if err != nil {
		fail("describe: %v", err)
	}
	text, err := json.MarshalIndent(out.BatchInferenceJob, "", "    ")
	if err != nil {
		fail("printing: %v", err)
	}
	os.Stdout.Write(append(text, '\n'))
}

func decode(dir string, secs float64) {
	for _, name := range []string{"describe", "list100", "list10m"} {
		body, err := os.ReadFile(dir + "/" + name + ".json")
		if err != nil {
			fail("%v", err)
		}
		one := func() {
			if name == "describe" {
				out, err := personalize.AcgBenchDecodeDescribe(body)
				if err != nil || out.BatchInferenceJob == nil {
					fail("decode %s: %v", name, err)
				}
			} else {
				out, err := personalize.AcgBenchDecodeList(body)
				if err != nil || len(out.BatchInferenceJobs) == 0 {
					fail("decode %s: %v", name, err)
				}
			}
		}
		one()
		n := 0
		t0 := time.Now()
		var el time.Duration
		for {
			one()
			n++
			if el = time.Since(t0); el.Seconds() >= secs {
				break
			}
		}
		fmt.Printf("decode.go.%s %.3f\n", name, float64(n)*float64(len(body))/1e6/el.Seconds())
	}
}

func main() {
	a := os.Args
	secs := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fail("bad seconds %q", s)
		}
		return v
	}
	switch {
	case len(a) == 4 && a[1] == "e2e":
		e2e(a[2], secs(a[3]))
	case len(a) == 3 && a[1] == "once":
		once(a[2])
	case len(a) == 4 && a[1] == "decode":
		decode(a[2], secs(a[3]))
	default:
		fmt.Fprintln(os.Stderr, "usage: go_personalize e2e URL SECONDS | once URL | decode DIR SECONDS")
		os.Exit(2)
	}
}
