// Row 12 (issue 16): copied by bench/run_issue16.sh into a copy of the Debian package's
// service/personalize (a GOPATH entry ahead of /usr/share/gocode), so the benchmark can call
// the SDK's generated deserializers on a fixture without a transport. Each function is the
// body handling of the package's own HandleDeserialize for the operation (a TeeReader into a
// 1 KiB ring buffer, json.Decoder with UseNumber into interface{}, then the generated
// awsAwsjson11_deserializeOpDocument...Output), with the middleware and the HTTP response
// around it left out.
package personalize

import (
	"bytes"
	"encoding/json"
	"io"

	smithyio "github.com/aws/smithy-go/io"
)

func acgBenchShape(body []byte) (interface{}, error) {
	var buff [1024]byte
	ringBuffer := smithyio.NewRingBuffer(buff[:])
	decoder := json.NewDecoder(io.TeeReader(bytes.NewReader(body), ringBuffer))
	decoder.UseNumber()
	var shape interface{}
	if err := decoder.Decode(&shape); err != nil && err != io.EOF {
		return nil, err
	}
	return shape, nil
}

// AcgBenchDecodeDescribe decodes a DescribeBatchInferenceJob response body.
func AcgBenchDecodeDescribe(body []byte) (*DescribeBatchInferenceJobOutput, error) {
	shape, err := acgBenchShape(body)
	if err != nil {
		return nil, err
	}
	output := &DescribeBatchInferenceJobOutput{}
	if err := awsAwsjson11_deserializeOpDocumentDescribeBatchInferenceJobOutput(&output, shape); err != nil {
		return nil, err
	}
	return output, nil
}

// AcgBenchDecodeList decodes a ListBatchInferenceJobs response body.
func AcgBenchDecodeList(body []byte) (*ListBatchInferenceJobsOutput, error) {
	shape, err := acgBenchShape(body)
	if err != nil {
		return nil, err
	}
	output := &ListBatchInferenceJobsOutput{}
	if err := awsAwsjson11_deserializeOpDocumentListBatchInferenceJobsOutput(&output, shape); err != nil {
		return nil, err
	}
	return output, nil
}
