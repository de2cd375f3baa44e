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

// acgBenchDecode runs a generated document deserializer on body.
func acgBenchDecode[T any](body []byte, deserialize func(**T, interface{}) error) (*T, error) {
	shape, err := acgBenchShape(body)
	if err != nil {
		return nil, err
	}
	output := new(T)
	if err := deserialize(&output, shape); err != nil {
		return nil, err
	}
	return output, nil
}

// AcgBenchDecodeDescribe decodes a DescribeBatchInferenceJob response body.
func AcgBenchDecodeDescribe(body []byte) (*DescribeBatchInferenceJobOutput, error) {
	return acgBenchDecode(body, awsAwsjson11_deserializeOpDocumentDescribeBatchInferenceJobOutput)
}

// AcgBenchDecodeList decodes a ListBatchInferenceJobs response body.
func AcgBenchDecodeList(body []byte) (*ListBatchInferenceJobsOutput, error) {
	return acgBenchDecode(body, awsAwsjson11_deserializeOpDocumentListBatchInferenceJobsOutput)
}
