/* guide.c - the parameter guide behind `ortune explain`: what each ORT option does, in English and Korean. */
/* Generated text: docs/parameters.md and docs/parameters.ko.md carry the same words; edit them together. */
#include "guide.h"

#include <stdlib.h>
#include <string.h>

static const char intro_en[] =
  "ortune tunes ONNX Runtime for one model on one machine and writes the result\n"
  "into the `onnxruntime:` section of a config.yaml. Option names are ORT's own\n"
  "(session options, CUDA execution provider options, session config entries),\n"
  "plus three keys of ortune's own harness: `provider`, `io` and\n"
  "`free_dimension_overrides`. Any option you leave out keeps ORT's default.\n"
  "\n"
  "Workflow\n"
  "--------\n"
  "1. `ortune tune MODEL --config config.yaml` measures ORT's defaults and\n"
  "   candidate settings on this machine, checks that the outputs still match,\n"
  "   and writes the fastest setting into config.yaml (other keys and comments of\n"
  "   the file are kept).\n"
  "2. `ortune compare` measures the tuned config against ORT's defaults again, so\n"
  "   you can see that the gain is larger than the run-to-run noise.\n"
  "3. In production load the same file:\n"
  "   `ortune_session_create(model, \"config.yaml\", NULL, &session)` builds the\n"
  "   session with every option applied. A config tuned for another model, GPU or\n"
  "   ORT version prints a warning.\n"
  "\n"
  "Starting points per GPU class\n"
  "-----------------------------\n"
  "Start here, then measure with `ortune tune`. The class matters less than\n"
  "people expect: which settings win depends more on the model (depthwise\n"
  "convolutions, batch size, static or dynamic shapes) than on the GPU.\n"
  "\n"
  "High (RTX 4090, A100, H100) and mid (RTX 3080, A5000):\n"
  "\n"
  "  onnxruntime:\n"
  "    provider: cuda\n"
  "    cudnn_conv_algo_search: EXHAUSTIVE  # the default; HEURISTIC: faster start\n"
  "    prefer_nhwc: 1                      # conv nets: often faster; measure\n"
  "    enable_cuda_graph: 1                # static shapes + io: device only\n"
  "    io: device\n"
  "    # gpu_mem_limit_gb: 12              # only when sharing the GPU\n"
  "\n"
  "Entry (RTX 3060, T4):\n"
  "\n"
  "  onnxruntime:\n"
  "    provider: cuda\n"
  "    cudnn_conv_algo_search: HEURISTIC   # or EXHAUSTIVE; never DEFAULT\n"
  "    cudnn_conv_use_max_workspace: 1     # the default; 0 only if search OOMs\n"
  "    # gpu_mem_limit_gb: 4               # only when sharing the GPU\n"
  "\n"
  "On the T4 (Turing) `use_tf32` does nothing; the RTX 3060 (Ampere) uses TF32\n"
  "like the larger cards. `prefer_nhwc` and `enable_cuda_graph` are worth trying\n"
  "on every class.\n"
  "\n"
  "Where the seed guide is wrong\n"
  "-----------------------------\n"
  "Measured on an NVIDIA H100 with ORT 1.29.0 and the CUDA 13 execution provider:\n"
  "\n"
  "- Its 14 combinations all ran within run-to-run noise of ORT's defaults. Most\n"
  "  of them set options to their default value or change options that do not\n"
  "  affect the speed of a conv model.\n"
  "- `cudnn_conv_algo_search: DEFAULT` for entry GPUs is wrong. DEFAULT is not\n"
  "  ORT's default: it skips the search and runs one fixed algorithm\n"
  "  (IMPLICIT_PRECOMP_GEMM) for every convolution. It was 2x to 100x slower;\n"
  "  mobilenetv3 at batch 8 (depthwise convolutions) took 177-222 ms per run\n"
  "  instead of about 2 ms. A small GPU has less headroom for a slow kernel, not\n"
  "  more. Use HEURISTIC or EXHAUSTIVE.\n"
  "- ORT's default search is EXHAUSTIVE; the seed presents it as an opt-in.\n"
  "- `do_copy_in_default_stream: false` for \"5-15%\": ORT's default is true (1),\n"
  "  setting it to false gave nothing measurable, and ORT documents that false\n"
  "  can cause data races.\n"
  "- `cudnn_conv_use_max_workspace: true` is already ORT's default (1).\n"
  "- `gpu_mem_limit` only caps ORT's CUDA memory arena (default: unlimited). It\n"
  "  never makes inference faster; it is for sharing a GPU safely.\n"
  "- `tunable_op_*` tune GEMM-type operators (mainly on ROCm); they do not choose\n"
  "  convolution algorithms and did nothing for conv models on the CUDA EP.\n"
  "- `ORT_PARALLEL` does not raise GPU utilisation; it only helps graphs with\n"
  "  independent branches and costs threads.\n"
  "- The percentages the seed quotes (10-40%, 5-10%, 3-8%) are not measurements;\n"
  "  `graph_optimization_level` is already ORT_ENABLE_ALL by default.\n"
  "- It never names `enable_cuda_graph` and `prefer_nhwc`, the two options that\n"
  "  did move the numbers: 1.3x to 1.7x faster on the conv models measured.\n"
  "\n"
  "Run `ortune explain OPTION` for the details of one option.\n";

static const char intro_ko[] =
  "ortune은 한 모델을 한 머신에서 돌릴 때 가장 빠른 ONNX Runtime 설정을 찾아\n"
  "config.yaml의 `onnxruntime:` 섹션에 기록합니다. 옵션 이름은 ORT가 쓰는 이름\n"
  "그대로이며(세션 옵션, CUDA 실행 공급자(EP) 옵션, 세션 설정 항목), 여기에\n"
  "ortune 하네스 전용 키 세 개(`provider`, `io`, `free_dimension_overrides`)가\n"
  "더해집니다. 적지 않은 옵션은 ORT 기본값을 따릅니다.\n"
  "\n"
  "작업 순서\n"
  "---------\n"
  "1. `ortune tune MODEL --config config.yaml`로 이 머신에서 ORT 기본값과 후보\n"
  "   설정들을 측정합니다. 출력이 그대로인지 확인한 뒤 가장 빠른 설정을\n"
  "   config.yaml에 씁니다(파일의 다른 키와 주석은 그대로 둡니다).\n"
  "2. `ortune compare`로 튜닝된 설정과 ORT 기본값을 다시 측정해, 이득이 실행할\n"
  "   때마다 생기는 측정 오차보다 큰지 확인합니다.\n"
  "3. 프로덕션에서는 같은 파일을 읽습니다.\n"
  "   `ortune_session_create(model, \"config.yaml\", NULL, &session)`이 모든 옵션을\n"
  "   적용한 세션을 만듭니다. 다른 모델, 다른 GPU, 다른 ORT 버전에서 튜닝된\n"
  "   설정이면 경고를 출력합니다.\n"
  "\n"
  "GPU 등급별 출발점\n"
  "-----------------\n"
  "여기서 시작하고, 반드시 `ortune tune`으로 측정하십시오. GPU 등급은 생각보다 덜\n"
  "중요합니다. 어떤 설정이 이기는지는 GPU보다 모델(depthwise 컨볼루션 여부, 배치\n"
  "크기, 고정/가변 shape)에 더 크게 좌우됩니다.\n"
  "\n"
  "고급(RTX 4090, A100, H100)과 중급(RTX 3080, A5000):\n"
  "\n"
  "  onnxruntime:\n"
  "    provider: cuda\n"
  "    cudnn_conv_algo_search: EXHAUSTIVE  # 기본값. 빠른 시작은 HEURISTIC\n"
  "    prefer_nhwc: 1                      # 컨볼루션 모델: 대개 빠름, 측정할 것\n"
  "    enable_cuda_graph: 1                # 고정 shape + io: device일 때만\n"
  "    io: device\n"
  "    # gpu_mem_limit_gb: 12              # GPU를 나눠 쓸 때만\n"
  "\n"
  "엔트리(RTX 3060, T4):\n"
  "\n"
  "  onnxruntime:\n"
  "    provider: cuda\n"
  "    cudnn_conv_algo_search: HEURISTIC   # 또는 EXHAUSTIVE. DEFAULT 금지\n"
  "    cudnn_conv_use_max_workspace: 1     # 기본값. 탐색 중 OOM일 때만 0\n"
  "    # gpu_mem_limit_gb: 4               # GPU를 나눠 쓸 때만\n"
  "\n"
  "T4(Turing)에서는 `use_tf32`가 아무 효과가 없고, RTX 3060(Ampere)은 상위\n"
  "카드처럼 TF32를 씁니다. `prefer_nhwc`와 `enable_cuda_graph`는 모든 등급에서\n"
  "시도해 볼 가치가 있습니다.\n"
  "\n"
  "시드 가이드가 틀린 부분\n"
  "-----------------------\n"
  "NVIDIA H100, ORT 1.29.0, CUDA 13 실행 공급자에서 측정한 결과입니다.\n"
  "\n"
  "- 시드의 14가지 조합은 모두 ORT 기본값과의 차이가 측정 오차 범위 안이었습니다.\n"
  "  대부분 옵션을 기본값 그대로 다시 지정하거나, 컨볼루션 모델 속도와 무관한\n"
  "  옵션만 바꿉니다.\n"
  "- 엔트리 GPU에 `cudnn_conv_algo_search: DEFAULT`를 권하는 것은 틀렸습니다.\n"
  "  DEFAULT는 ORT의 기본값이 아닙니다. 탐색을 건너뛰고 모든 컨볼루션에 고정\n"
  "  알고리즘 하나(IMPLICIT_PRECOMP_GEMM)를 씁니다. 측정 결과 2배에서 100배\n"
  "  느렸고, mobilenetv3 배치 8(depthwise 컨볼루션)은 약 2 ms 대신 실행당\n"
  "  177-222 ms가 걸렸습니다. 작은 GPU일수록 느린 커널을 감당할 여유가 적습니다.\n"
  "  HEURISTIC이나 EXHAUSTIVE를 쓰십시오.\n"
  "- ORT의 기본 탐색 방식은 EXHAUSTIVE입니다. 시드는 이를 선택 사항처럼\n"
  "  설명합니다.\n"
  "- `do_copy_in_default_stream: false`로 \"5-15%\" 빨라진다는 주장: ORT 기본값은\n"
  "  true(1)이고, false로 바꿔도 측정 가능한 차이가 없었으며, ORT 문서는 false가\n"
  "  데이터 경쟁(data race)을 일으킬 수 있다고 경고합니다.\n"
  "- `cudnn_conv_use_max_workspace: true`는 이미 ORT 기본값(1)입니다.\n"
  "- `gpu_mem_limit`는 ORT의 CUDA 메모리 아레나 상한일 뿐입니다(기본값: 무제한).\n"
  "  추론을 빠르게 하지 않으며, GPU를 안전하게 나눠 쓰기 위한 설정입니다.\n"
  "- `tunable_op_*`는 GEMM 계열 연산자를 튜닝합니다(주로 ROCm). 컨볼루션\n"
  "  알고리즘을 고르지 않으며, CUDA EP의 컨볼루션 모델에서는 효과가 없었습니다.\n"
  "- `ORT_PARALLEL`은 GPU 활용률을 높이지 않습니다. 서로 독립된 가지가 있는\n"
  "  그래프에서만 도움이 되고 스레드를 더 씁니다.\n"
  "- 시드가 인용하는 수치(10-40%, 5-10%, 3-8%)는 측정값이 아닙니다.\n"
  "  `graph_optimization_level`은 이미 기본값이 ORT_ENABLE_ALL입니다.\n"
  "- 실제로 수치를 움직인 두 옵션 `enable_cuda_graph`와 `prefer_nhwc`는 시드에\n"
  "  전혀 나오지 않습니다. 측정한 컨볼루션 모델에서 1.3배에서 1.7배 빨라졌습니다.\n"
  "\n"
  "옵션 하나의 자세한 설명은 `ortune explain OPTION`으로 보십시오.\n";

const ortune_guide_entry ortune_guide[] = {
  {
    "cudnn_conv_algo_search",
    "How cuDNN picks the algorithm for each convolution: benchmark, guess, or fixed.",
    "Scope:       CUDA EP\n"
    "Values:      EXHAUSTIVE | HEURISTIC | DEFAULT\n"
    "ORT default: EXHAUSTIVE\n"
    "\n"
    "For each distinct convolution (shapes, layout, data type) the CUDA EP asks\n"
    "cuDNN which algorithm to run, once, and caches the answer in the session.\n"
    "\n"
    "- EXHAUSTIVE: runs every candidate algorithm on the first call and keeps the\n"
    "  fastest (cudnnFindConvolutionForwardAlgorithmEx). Best steady-state speed;\n"
    "  the first run of every new input shape is slow (milliseconds to seconds,\n"
    "  depending on the model) and needs workspace memory for the search.\n"
    "- HEURISTIC: takes cuDNN's ranked guess without running anything\n"
    "  (cudnnGetConvolutionForwardAlgorithm_v7). Quick start-up; usually close to\n"
    "  EXHAUSTIVE, sometimes slower.\n"
    "- DEFAULT: no search at all. Every convolution runs IMPLICIT_PRECOMP_GEMM.\n"
    "  Despite its name this is NOT ORT's default.\n"
    "\n"
    "Trade-off: EXHAUSTIVE pays start-up time and first-run memory for steady-state\n"
    "speed. Prefer HEURISTIC when start-up or first-request latency matters, or\n"
    "when input shapes change often (each new shape is a new search).\n"
    "\n"
    "Measured (H100, ORT 1.29.0): DEFAULT was 2x to 100x slower than the other two.\n"
    "mobilenetv3 at batch 8, whose depthwise convolutions have no fast\n"
    "IMPLICIT_PRECOMP_GEMM kernel, took 177-222 ms per run instead of about 2 ms.\n"
    "\n"
    "Seed guide: it treats DEFAULT as ORT's default and EXHAUSTIVE as an opt-in;\n"
    "the reverse is true. It recommends DEFAULT for entry GPUs (RTX 3060, T4) as\n"
    "the \"stable\" choice. That is wrong: a fixed algorithm is not more stable, only\n"
    "slower, and a small GPU has less headroom to absorb a slow kernel. On entry\n"
    "GPUs keep EXHAUSTIVE, or HEURISTIC if start-up time matters.\n",
    "cuDNN이 컨볼루션마다 알고리즘을 고르는 방식: 실측, 추정, 고정.",
    "범위:        CUDA EP\n"
    "값:          EXHAUSTIVE | HEURISTIC | DEFAULT\n"
    "ORT 기본값:  EXHAUSTIVE\n"
    "\n"
    "CUDA EP는 서로 다른 컨볼루션(shape, 레이아웃, 데이터 타입)마다 한 번씩 어떤\n"
    "알고리즘을 쓸지 cuDNN에 묻고, 그 답을 세션 안에 캐시합니다.\n"
    "\n"
    "- EXHAUSTIVE: 첫 호출 때 후보 알고리즘을 모두 실제로 돌려 보고 가장 빠른 것을\n"
    "  씁니다(cudnnFindConvolutionForwardAlgorithmEx). 정상 상태 속도가 가장\n"
    "  좋습니다. 새 입력 shape마다 첫 실행이 느리고(모델에 따라 수 ms에서 수 초),\n"
    "  탐색에 작업공간 메모리가 필요합니다.\n"
    "- HEURISTIC: 아무것도 실행하지 않고 cuDNN이 순위를 매긴 추정을 그대로\n"
    "  씁니다(cudnnGetConvolutionForwardAlgorithm_v7). 시작이 빠르고, 대개\n"
    "  EXHAUSTIVE에 가깝지만 가끔 더 느립니다.\n"
    "- DEFAULT: 탐색을 전혀 하지 않습니다. 모든 컨볼루션이\n"
    "  IMPLICIT_PRECOMP_GEMM으로 돕니다. 이름과 달리 ORT의 기본값이 아닙니다.\n"
    "\n"
    "맞바꾸는 것: EXHAUSTIVE는 시작 시간과 첫 실행의 메모리를 내고 정상 상태 속도를\n"
    "얻습니다. 시작 시간이나 첫 요청의 지연이 중요하거나, 입력 shape가 자주\n"
    "바뀌면(shape마다 새로 탐색) HEURISTIC이 낫습니다.\n"
    "\n"
    "측정(H100, ORT 1.29.0): DEFAULT는 다른 두 방식보다 2배에서 100배 느렸습니다.\n"
    "빠른 IMPLICIT_PRECOMP_GEMM 커널이 없는 depthwise 컨볼루션을 가진 mobilenetv3\n"
    "배치 8은 약 2 ms 대신 실행당 177-222 ms가 걸렸습니다.\n"
    "\n"
    "시드 가이드: DEFAULT를 ORT의 기본값처럼, EXHAUSTIVE를 선택 사항처럼 다루지만\n"
    "실제는 반대입니다. 또 엔트리 GPU(RTX 3060, T4)에 \"안정적\"이라며 DEFAULT를\n"
    "권하는데, 이는 틀렸습니다. 고정 알고리즘은 더 안정적이지 않고 느리기만 하며,\n"
    "작은 GPU일수록 느린 커널을 감당할 여유가 적습니다. 엔트리 GPU에서도\n"
    "EXHAUSTIVE를 유지하고, 시작 시간이 중요하면 HEURISTIC을 쓰십시오.\n",
  },
  {
    "gpu_mem_limit",
    "Upper bound on the memory ORT's CUDA arena may hold. A sharing knob, not a speed knob.",
    "Scope:       CUDA EP\n"
    "Values:      bytes (e.g. 8589934592 or 8GB); alias gpu_mem_limit_gb\n"
    "ORT default: unlimited (SIZE_MAX)\n"
    "\n"
    "Caps the BFC arena from which the CUDA EP allocates tensors and cuDNN\n"
    "workspaces on this device. The CUDA context, cuDNN and cuBLAS library state\n"
    "and CUDA graph memory are outside the arena, so the process always uses more\n"
    "than the limit.\n"
    "\n"
    "The limit never makes inference faster. Use it when several processes share\n"
    "one GPU, so that one arena cannot grow into the others' memory. Set too low,\n"
    "runs fail with out-of-memory, or the convolution search skips algorithms that\n"
    "need a larger workspace and the model gets slower.\n"
    "\n"
    "Give it in bytes (`gpu_mem_limit: 8589934592`) or with a unit (`8GB`);\n"
    "`gpu_mem_limit_gb: 8` is accepted as an alias. Size it from the model's\n"
    "measured peak plus headroom, not from the GPU class.\n"
    "\n"
    "Seed guide: presents 4 / 8 / 16 / 21 GB as performance tiers (\"8 GB\n"
    "recommended\", \"16-21 GB for maximum performance\"). Unless the model runs close\n"
    "to the limit, all four run at the same speed.\n",
    "ORT의 CUDA 아레나가 가질 수 있는 메모리 상한. 속도가 아니라 공유를 위한 설정.",
    "범위:        CUDA EP\n"
    "값:          바이트 (예: 8589934592 또는 8GB); 별칭 gpu_mem_limit_gb\n"
    "ORT 기본값:  무제한 (SIZE_MAX)\n"
    "\n"
    "CUDA EP가 이 장치에서 텐서와 cuDNN 작업공간을 할당하는 BFC 아레나의 크기를\n"
    "제한합니다. CUDA 컨텍스트, cuDNN/cuBLAS 라이브러리 상태, CUDA 그래프 메모리는\n"
    "아레나 밖에 있으므로 프로세스는 항상 이 값보다 많은 메모리를 씁니다.\n"
    "\n"
    "이 상한은 추론을 절대 빠르게 하지 않습니다. 여러 프로세스가 GPU 하나를 나눠 쓸\n"
    "때, 한 아레나가 다른 프로세스의 몫까지 커지지 않도록 막는 용도입니다. 너무\n"
    "낮게 잡으면 메모리 부족으로 실행이 실패하거나, 컨볼루션 탐색이 큰 작업공간이\n"
    "필요한 알고리즘을 건너뛰어 오히려 느려집니다.\n"
    "\n"
    "바이트로 쓰거나(`gpu_mem_limit: 8589934592`) 단위를 붙여 씁니다(`8GB`).\n"
    "`gpu_mem_limit_gb: 8`도 별칭으로 받습니다. 크기는 GPU 등급이 아니라 모델의\n"
    "측정된 최대 사용량에 여유분을 더해 정하십시오.\n"
    "\n"
    "시드 가이드: 4 / 8 / 16 / 21 GB를 성능 등급처럼 제시합니다(\"8 GB 권장\",\n"
    "\"16-21 GB 최고 성능\"). 모델이 상한에 가깝게 메모리를 쓰지 않는 한 네 값 모두\n"
    "속도가 같습니다.\n",
  },
  {
    "arena_extend_strategy",
    "How the CUDA memory arena grows: doubling regions, or exactly what is requested.",
    "Scope:       CUDA EP\n"
    "Values:      kNextPowerOfTwo | kSameAsRequested\n"
    "ORT default: kNextPowerOfTwo\n"
    "\n"
    "When the CUDA arena runs out of free blocks it reserves a new region of device\n"
    "memory.\n"
    "\n"
    "- kNextPowerOfTwo: regions grow in powers of two, so there are few cudaMalloc\n"
    "  calls, but the arena can end up holding up to about twice what the model\n"
    "  needs.\n"
    "- kSameAsRequested: extends by exactly the requested size. Smaller footprint,\n"
    "  more allocations during the first runs.\n"
    "\n"
    "After warm-up the arena reuses its memory and both run at the same speed. Use\n"
    "kSameAsRequested when GPU memory is tight or shared (often together with\n"
    "`gpu_mem_limit`); keep the default otherwise.\n"
    "\n"
    "Seed guide: its description is roughly right; just do not expect speed from\n"
    "this option.\n",
    "CUDA 메모리 아레나를 늘리는 방식: 두 배씩 커지는 영역, 또는 요청한 만큼.",
    "범위:        CUDA EP\n"
    "값:          kNextPowerOfTwo | kSameAsRequested\n"
    "ORT 기본값:  kNextPowerOfTwo\n"
    "\n"
    "CUDA 아레나에 빈 블록이 없으면 장치 메모리에서 새 영역을 확보합니다.\n"
    "\n"
    "- kNextPowerOfTwo: 영역이 2의 거듭제곱으로 커집니다. cudaMalloc 호출은 적지만,\n"
    "  아레나가 모델에 필요한 양의 최대 두 배 가까이 쥐고 있을 수 있습니다.\n"
    "- kSameAsRequested: 정확히 요청한 크기만큼 늘립니다. 점유 메모리는 작고, 첫 몇\n"
    "  번의 실행 동안 할당이 더 잦습니다.\n"
    "\n"
    "워밍업이 끝나면 아레나는 메모리를 재사용하므로 두 방식의 속도는 같습니다. GPU\n"
    "메모리가 빠듯하거나 공유될 때(흔히 `gpu_mem_limit`와 함께) kSameAsRequested를\n"
    "쓰고, 그 밖에는 기본값을 두십시오.\n"
    "\n"
    "시드 가이드: 동작 설명은 대체로 맞습니다. 다만 이 옵션으로 속도를 기대하지는\n"
    "마십시오.\n",
  },
  {
    "do_copy_in_default_stream",
    "Whether host/device copies use the compute stream (1) or separate streams (0).",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 1\n"
    "\n"
    "With 1 the CUDA EP issues copies between host and device on the same CUDA\n"
    "stream as the compute kernels, which keeps ordering simple and correct. With 0\n"
    "it uses separate copy streams. ORT's API documentation warns that 0 may cause\n"
    "data races for some models.\n"
    "\n"
    "Measured (H100, ORT 1.29.0): setting 0 gave no speed-up beyond run-to-run\n"
    "noise.\n"
    "\n"
    "Seed guide: recommends false for \"5-15%\" and ranks it the second most\n"
    "important option. The gain is not there, and the default (1) is the safe\n"
    "value. Overlapping copies with compute is a property of your pipeline (pinned\n"
    "host buffers, IO binding, several requests in flight), not of this flag.\n",
    "호스트/장치 간 복사를 연산 스트림(1)에서 할지 별도 스트림(0)에서 할지.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  1\n"
    "\n"
    "1이면 CUDA EP가 호스트와 장치 사이의 복사를 연산 커널과 같은 CUDA 스트림에\n"
    "넣으므로 순서가 단순하고 올바릅니다. 0이면 별도의 복사 스트림을 씁니다. ORT\n"
    "API 문서는 0이 일부 모델에서 데이터 경쟁을 일으킬 수 있다고 경고합니다.\n"
    "\n"
    "측정(H100, ORT 1.29.0): 0으로 바꿔도 측정 오차를 넘는 속도 향상은 없었습니다.\n"
    "\n"
    "시드 가이드: false로 \"5-15%\" 빨라진다며 두 번째로 중요한 옵션으로 꼽습니다.\n"
    "그런 이득은 없었고, 기본값(1)이 안전한 값입니다. 복사와 연산을 겹치는 것은 이\n"
    "플래그가 아니라 파이프라인 설계(고정(pinned) 호스트 버퍼, IO 바인딩, 동시에\n"
    "처리 중인 여러 요청)의 문제입니다.\n",
  },
  {
    "cudnn_conv_use_max_workspace",
    "How much scratch memory cuDNN may use to search for and run conv algorithms.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 1\n"
    "\n"
    "With 1 cuDNN may use as much workspace as an algorithm asks for (taken from\n"
    "the CUDA arena, so `gpu_mem_limit` still caps it). With 0 the workspace is\n"
    "held to a small fixed size (32 MB), which rules out some fast algorithms,\n"
    "mostly during the EXHAUSTIVE search.\n"
    "\n"
    "Trade-off: peak memory during the first runs against convolution speed. Keep\n"
    "1; set 0 only if the first run fails for lack of memory.\n"
    "\n"
    "Seed guide: recommends true as a tuning step worth \"10-30%\". True (1) is\n"
    "already ORT's default in recent releases, so setting it changes nothing. Its\n"
    "pseudocode (\"80% of available GPU memory\") is not how the option works.\n",
    "cuDNN이 컨볼루션 알고리즘 탐색과 실행에 쓸 수 있는 임시 메모리의 양.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  1\n"
    "\n"
    "1이면 cuDNN이 알고리즘이 요구하는 만큼 작업공간을 씁니다(CUDA 아레나에서\n"
    "가져오므로 `gpu_mem_limit`의 제한은 여전히 받습니다). 0이면 작업공간을 작은\n"
    "고정 크기(32 MB)로 묶어 일부 빠른 알고리즘을 쓸 수 없게 되며, 주로 EXHAUSTIVE\n"
    "탐색에 영향을 줍니다.\n"
    "\n"
    "맞바꾸는 것: 첫 실행 동안의 최대 메모리와 컨볼루션 속도. 1을 유지하고, 첫\n"
    "실행이 메모리 부족으로 실패할 때만 0으로 두십시오.\n"
    "\n"
    "시드 가이드: true를 \"10-30%\" 효과가 있는 튜닝 단계로 권하지만, 최근 ORT에서는\n"
    "true(1)가 이미 기본값이라 지정해도 달라지는 것이 없습니다. 시드의 의사코드\n"
    "(\"사용 가능한 GPU 메모리의 80%\")도 실제 동작과 다릅니다.\n",
  },
  {
    "tunable_op_enable",
    "Turns on TunableOp, which picks among implementations of GEMM-type operators.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 0\n"
    "\n"
    "TunableOp is ORT's own mechanism for choosing between several kernels of an\n"
    "operator. It was built for the ROCm EP; on the CUDA EP only a few GEMM-type\n"
    "kernels take part. It does not touch cuDNN convolutions: their algorithm is\n"
    "chosen by `cudnn_conv_algo_search`.\n"
    "\n"
    "Enabling it alone uses tuning results that already exist (none, unless you\n"
    "load them); to tune online also set `tunable_op_tuning_enable` to 1.\n"
    "\n"
    "For conv models on the CUDA EP expect no change. For transformer-like models\n"
    "with large MatMuls, measure.\n"
    "\n"
    "Seed guide: its pseudocode shows TunableOp choosing convolution algorithms\n"
    "(GEMM, Winograd, FFT). That is what `cudnn_conv_algo_search` does, not\n"
    "TunableOp, and its advice to enable it on mid and high GPUs does nothing for\n"
    "conv nets.\n",
    "GEMM 계열 연산자의 구현을 골라 주는 TunableOp을 켭니다.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  0\n"
    "\n"
    "TunableOp은 한 연산자의 여러 커널 중 하나를 고르는 ORT 자체 기능입니다. ROCm\n"
    "EP를 위해 만들어졌고, CUDA EP에서는 GEMM 계열 커널 몇 개만 해당됩니다. cuDNN\n"
    "컨볼루션에는 손대지 않습니다. 컨볼루션 알고리즘은 `cudnn_conv_algo_search`가\n"
    "정합니다.\n"
    "\n"
    "이 옵션만 켜면 이미 있는 튜닝 결과(직접 불러오지 않았다면 없음)를 씁니다. 실행\n"
    "중 튜닝까지 하려면 `tunable_op_tuning_enable`도 1로 두어야 합니다.\n"
    "\n"
    "CUDA EP의 컨볼루션 모델에서는 변화가 없다고 보면 됩니다. 큰 MatMul이 있는\n"
    "트랜스포머류 모델이라면 측정해 보십시오.\n"
    "\n"
    "시드 가이드: 의사코드에서 TunableOp이 컨볼루션 알고리즘(GEMM, Winograd, FFT)을\n"
    "고르는 것처럼 그리지만, 그것은 TunableOp이 아니라 `cudnn_conv_algo_search`의\n"
    "일입니다. 중급/고급 GPU에서 켜라는 권고도 컨볼루션 모델에는 아무 효과가\n"
    "없습니다.\n",
  },
  {
    "tunable_op_tuning_enable",
    "Lets TunableOp benchmark candidate kernels online (needs tunable_op_enable=1).",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 0\n"
    "\n"
    "With `tunable_op_enable` set to 1, this lets TunableOp time the candidate\n"
    "implementations during the first runs of each new shape and keep the fastest.\n"
    "Without `tunable_op_enable` it does nothing.\n"
    "\n"
    "Cost: slower first runs per shape. Same scope as `tunable_op_enable`:\n"
    "GEMM-type operators, mainly on ROCm; no effect on cuDNN convolutions.\n"
    "\n"
    "Seed guide: describes \"continuous tuning that adapts to changing input\".\n"
    "Tuning happens once per shape; after that the stored result is reused.\n",
    "TunableOp이 실행 중에 후보 커널을 직접 측정하게 합니다(tunable_op_enable=1 필요).",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  0\n"
    "\n"
    "`tunable_op_enable`이 1일 때, 새 shape의 첫 실행들 동안 TunableOp이 후보\n"
    "구현의 시간을 재고 가장 빠른 것을 남기게 합니다. `tunable_op_enable` 없이는\n"
    "아무 일도 하지 않습니다.\n"
    "\n"
    "비용: shape마다 첫 실행이 느려집니다. 적용 범위는 `tunable_op_enable`과\n"
    "같습니다. GEMM 계열 연산자, 주로 ROCm이며 cuDNN 컨볼루션에는 효과가 없습니다.\n"
    "\n"
    "시드 가이드: \"입력 변화에 적응하는 지속적 튜닝\"이라고 설명하지만, 튜닝은\n"
    "shape마다 한 번 일어나고 그 뒤로는 저장된 결과를 재사용합니다.\n",
  },
  {
    "tunable_op_max_tuning_duration_ms",
    "Time budget for TunableOp to tune one operator instance.",
    "Scope:       CUDA EP\n"
    "Values:      milliseconds, >= 0\n"
    "ORT default: 0 (ORT's built-in default)\n"
    "\n"
    "Upper bound, in milliseconds, on how long TunableOp may spend tuning one\n"
    "operator instance. 0 leaves ORT's own default. Only matters when both\n"
    "`tunable_op_enable` and `tunable_op_tuning_enable` are 1.\n"
    "\n"
    "Trade-off: a lower budget starts faster and may keep a slower kernel.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "TunableOp이 연산자 인스턴스 하나를 튜닝하는 데 쓸 수 있는 시간.",
    "범위:        CUDA EP\n"
    "값:          밀리초, >= 0\n"
    "ORT 기본값:  0 (ORT 내장 기본값)\n"
    "\n"
    "TunableOp이 연산자 인스턴스 하나를 튜닝하는 데 쓸 수 있는 시간의\n"
    "상한(밀리초)입니다. 0이면 ORT의 자체 기본값을 따릅니다. `tunable_op_enable`과\n"
    "`tunable_op_tuning_enable`이 둘 다 1일 때만 의미가 있습니다.\n"
    "\n"
    "맞바꾸는 것: 한도를 낮추면 시작은 빨라지지만 더 느린 커널이 남을 수 있습니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "execution_mode",
    "Run graph nodes one at a time, or independent branches concurrently.",
    "Scope:       session\n"
    "Values:      ORT_SEQUENTIAL | ORT_PARALLEL\n"
    "ORT default: ORT_SEQUENTIAL\n"
    "\n"
    "ORT_SEQUENTIAL runs nodes one after another; each node may still use the\n"
    "intra-op thread pool. ORT_PARALLEL also runs independent branches of the graph\n"
    "at the same time on the inter-op thread pool (`inter_op_num_threads`).\n"
    "\n"
    "It only helps graphs with wide independent branches whose work runs on the\n"
    "CPU, and it costs extra threads and scheduling overhead. A chain-like CNN\n"
    "gains nothing. On the CUDA EP the kernels are queued to the GPU asynchronously\n"
    "anyway, so parallel mode rarely helps there.\n"
    "\n"
    "Seed guide: claims \"higher throughput and GPU utilisation\" for ORT_PARALLEL.\n"
    "Not for typical models, and never for free. Its combination 13 (ORT_PARALLEL,\n"
    "21 GB, no CPU arena) ran within noise of the defaults.\n",
    "그래프 노드를 하나씩 실행할지, 독립된 가지를 동시에 실행할지.",
    "범위:        세션\n"
    "값:          ORT_SEQUENTIAL | ORT_PARALLEL\n"
    "ORT 기본값:  ORT_SEQUENTIAL\n"
    "\n"
    "ORT_SEQUENTIAL은 노드를 차례로 실행합니다. 각 노드는 여전히 intra-op 스레드\n"
    "풀을 쓸 수 있습니다. ORT_PARALLEL은 그래프의 독립된 가지들을 inter-op 스레드\n"
    "풀(`inter_op_num_threads`)에서 동시에 실행합니다.\n"
    "\n"
    "CPU에서 돌아가는 넓은 독립 가지가 있는 그래프에서만 도움이 되며, 스레드와\n"
    "스케줄링 비용이 추가됩니다. 일렬로 이어진 CNN은 얻는 것이 없습니다. CUDA\n"
    "EP에서는 어차피 커널이 GPU에 비동기로 쌓이므로 병렬 모드가 도움이 되는 경우가\n"
    "드뭅니다.\n"
    "\n"
    "시드 가이드: ORT_PARALLEL이 \"처리량과 GPU 활용률을 높인다\"고 하지만, 일반적인\n"
    "모델에서는 그렇지 않고 공짜도 아닙니다. 시드의 13번 조합(ORT_PARALLEL, 21 GB,\n"
    "CPU 아레나 끔)은 기본값과 측정 오차 범위 안이었습니다.\n",
  },
  {
    "graph_optimization_level",
    "Which graph rewrites ORT applies when it loads the model.",
    "Scope:       session\n"
    "Values:      ORT_DISABLE_ALL | ORT_ENABLE_BASIC | ORT_ENABLE_EXTENDED\n"
    "             | ORT_ENABLE_LAYOUT | ORT_ENABLE_ALL\n"
    "ORT default: ORT_ENABLE_ALL\n"
    "\n"
    "- ORT_DISABLE_ALL: none.\n"
    "- ORT_ENABLE_BASIC: rewrites valid for every EP: constant folding, removal of\n"
    "  redundant nodes, simple fusions.\n"
    "- ORT_ENABLE_EXTENDED: fusions for particular EPs (Conv+activation, GELU,\n"
    "  layer normalisation, attention, ...).\n"
    "- ORT_ENABLE_LAYOUT: adds layout rewrites (for example NCHWc on the CPU).\n"
    "- ORT_ENABLE_ALL: everything.\n"
    "\n"
    "Higher levels cost some load time and are almost always faster at run time.\n"
    "Lower levels are for chasing a numerical difference or working around an\n"
    "optimiser bug.\n"
    "\n"
    "Seed guide: recommends ORT_ENABLE_ALL for \"10-40%\". It is already the default,\n"
    "so you have it for free; the percentage would be against turning optimisation\n"
    "off.\n",
    "모델을 불러올 때 ORT가 적용하는 그래프 재작성의 범위.",
    "범위:        세션\n"
    "값:          ORT_DISABLE_ALL | ORT_ENABLE_BASIC | ORT_ENABLE_EXTENDED\n"
    "             | ORT_ENABLE_LAYOUT | ORT_ENABLE_ALL\n"
    "ORT 기본값:  ORT_ENABLE_ALL\n"
    "\n"
    "- ORT_DISABLE_ALL: 아무것도 하지 않습니다.\n"
    "- ORT_ENABLE_BASIC: 모든 EP에 유효한 재작성. 상수 접기, 중복 노드 제거, 단순\n"
    "  융합.\n"
    "- ORT_ENABLE_EXTENDED: 특정 EP용 융합(Conv+활성화, GELU, 레이어 정규화, 어텐션\n"
    "  등).\n"
    "- ORT_ENABLE_LAYOUT: 레이아웃 재작성을 더합니다(예: CPU의 NCHWc).\n"
    "- ORT_ENABLE_ALL: 전부.\n"
    "\n"
    "높은 수준일수록 로딩 시간이 조금 늘지만 실행은 거의 항상 더 빠릅니다. 낮은\n"
    "수준은 수치 차이의 원인을 찾거나 최적화기 버그를 피할 때 씁니다.\n"
    "\n"
    "시드 가이드: \"10-40%\" 효과를 들어 ORT_ENABLE_ALL을 권하지만 이미 기본값이므로\n"
    "따로 얻을 것이 없습니다. 그 수치는 최적화를 껐을 때와 비교한 것이어야\n"
    "맞습니다.\n",
  },
  {
    "enable_cpu_mem_arena",
    "Whether the CPU allocator pools memory across runs instead of malloc per tensor.",
    "Scope:       session\n"
    "Values:      0 | 1\n"
    "ORT default: 1\n"
    "\n"
    "With 1 the CPU EP allocates from an arena that is reused across runs. It\n"
    "affects CPU-side allocations only; with the CUDA EP that means host-side\n"
    "inputs and outputs and nodes that fall back to the CPU.\n"
    "\n"
    "Turning it off returns memory between runs (the arena keeps what it grew to)\n"
    "at the cost of allocation overhead. Keep 1 unless host memory is the\n"
    "constraint.\n"
    "\n"
    "Seed guide: claims \"5-10%\", and its combination 13 turns the arena off \"for\n"
    "parallel mode\". Neither had a measurable effect on a CUDA conv model.\n",
    "CPU 할당을 텐서마다 malloc하지 않고 실행 간에 재사용하는 풀에서 할지.",
    "범위:        세션\n"
    "값:          0 | 1\n"
    "ORT 기본값:  1\n"
    "\n"
    "1이면 CPU EP가 실행 사이에 재사용되는 아레나에서 메모리를 할당합니다. CPU 쪽\n"
    "할당에만 영향을 줍니다. CUDA EP를 쓸 때라면 호스트 쪽 입력/출력과 CPU로\n"
    "넘어간(fallback) 노드가 해당됩니다.\n"
    "\n"
    "끄면 실행 사이에 메모리를 돌려주지만(아레나는 한 번 커진 크기를 유지합니다)\n"
    "할당 비용이 늘어납니다. 호스트 메모리가 제약이 아니라면 1을 유지하십시오.\n"
    "\n"
    "시드 가이드: \"5-10%\" 효과를 주장하고, 13번 조합은 \"병렬 모드를 위해\" 아레나를\n"
    "끕니다. 어느 쪽도 CUDA 컨볼루션 모델에서 측정 가능한 효과가 없었습니다.\n",
  },
  {
    "enable_mem_pattern",
    "Plan one block for all intermediate tensors when input shapes repeat.",
    "Scope:       session\n"
    "Values:      0 | 1\n"
    "ORT default: 1\n"
    "\n"
    "When input shapes repeat, ORT records the allocations of one run and\n"
    "afterwards reserves a single block for all intermediate tensors. It helps\n"
    "allocation-heavy CPU runs with fixed shapes; with shapes that change every run\n"
    "the plan is rebuilt and the benefit disappears. It acts on CPU-side\n"
    "allocations; on the CUDA EP the device arena already makes allocation cheap.\n"
    "\n"
    "Keep 1 (the default).\n"
    "\n"
    "Seed guide: the \"3-8%\" it quotes is not a measurement, and the option is\n"
    "already on.\n",
    "입력 shape가 반복되면 중간 텐서 전체를 한 블록으로 미리 계획합니다.",
    "범위:        세션\n"
    "값:          0 | 1\n"
    "ORT 기본값:  1\n"
    "\n"
    "입력 shape가 반복되면 ORT는 한 번의 실행에서 일어난 할당을 기록해 두었다가,\n"
    "이후로는 모든 중간 텐서를 담을 블록 하나를 한 번에 잡습니다. shape가 고정되고\n"
    "할당이 많은 CPU 실행에 도움이 되며, 매번 shape가 바뀌면 계획을 다시 세우므로\n"
    "이점이 사라집니다. CPU 쪽 할당에 작용합니다. CUDA EP에서는 장치 아레나가 이미\n"
    "할당을 싸게 만듭니다.\n"
    "\n"
    "1(기본값)을 유지하십시오.\n"
    "\n"
    "시드 가이드: 인용한 \"3-8%\"는 측정값이 아니며, 이 옵션은 이미 켜져 있습니다.\n",
  },
  {
    "enable_cuda_graph",
    "Capture the run's GPU kernels once as a CUDA graph and replay it on every run.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 0\n"
    "\n"
    "Records the whole sequence of GPU work of one run as a CUDA graph and replays\n"
    "it afterwards, which removes the CPU cost of launching each kernel. Large win\n"
    "for models with many small kernels at small batch sizes (launch-bound), less\n"
    "for large batches.\n"
    "\n"
    "Requirements:\n"
    "\n"
    "- static input shapes (fix symbolic dimensions with\n"
    "  `free_dimension_overrides`);\n"
    "- every node on the CUDA EP, no CPU fallback;\n"
    "- inputs and outputs bound to device buffers at fixed addresses through IO\n"
    "  binding, the same buffers on every run (copy new data into them). Replay\n"
    "  reads and writes the addresses seen at capture.\n"
    "\n"
    "The first runs after session creation warm up and capture, which adds start-up\n"
    "time; the graph's memory stays reserved for the session's lifetime.\n"
    "\n"
    "Measured (H100, ORT 1.29.0): `enable_cuda_graph` and `prefer_nhwc` gave 1.3x\n"
    "to 1.7x over ORT's defaults on the conv models measured, while the seed\n"
    "guide's combinations stayed within noise.\n"
    "\n"
    "In production `ortune_session_create()` sets the option, but your program has\n"
    "to do the IO binding (CreateIoBinding, BindInput, BindOutput, RunWithBinding).\n"
    "Measure it with `io: device`; with `io: host` the number does not show what\n"
    "the graph gives.\n"
    "\n"
    "Seed guide: never mentions it.\n",
    "한 번 실행의 GPU 커널을 CUDA 그래프로 캡처해 매 실행마다 재생합니다.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  0\n"
    "\n"
    "한 번 실행의 GPU 작업 전체를 CUDA 그래프로 기록해 두고 이후에는 그것을\n"
    "재생합니다. 커널마다 드는 CPU 쪽 실행(launch) 비용이 사라집니다. 작은 배치에서\n"
    "작은 커널이 많은 모델(launch 비용에 묶인 모델)에서 크게 이득이고, 큰\n"
    "배치에서는 이득이 줄어듭니다.\n"
    "\n"
    "요구 조건:\n"
    "\n"
    "- 고정된 입력 shape(심볼릭 차원은 `free_dimension_overrides`로 고정);\n"
    "- 모든 노드가 CUDA EP에서 실행될 것, CPU fallback 없음;\n"
    "- 입력과 출력을 IO 바인딩으로 고정 주소의 장치 버퍼에 묶고, 매 실행 같은\n"
    "  버퍼를 쓸 것(새 데이터는 그 버퍼에 복사). 재생은 캡처할 때 본 주소를 그대로\n"
    "  읽고 씁니다.\n"
    "\n"
    "세션을 만든 뒤 첫 몇 번의 실행이 워밍업과 캡처를 하므로 시작 시간이 늘어나고,\n"
    "그래프의 메모리는 세션이 살아 있는 동안 계속 예약됩니다.\n"
    "\n"
    "측정(H100, ORT 1.29.0): 측정한 컨볼루션 모델에서 `enable_cuda_graph`와\n"
    "`prefer_nhwc`는 ORT 기본값보다 1.3배에서 1.7배 빨랐고, 시드 가이드의 조합들은\n"
    "측정 오차 범위 안에 머물렀습니다.\n"
    "\n"
    "프로덕션에서 `ortune_session_create()`는 이 옵션을 설정하지만, IO 바인딩은\n"
    "프로그램이 직접 해야 합니다(CreateIoBinding, BindInput, BindOutput,\n"
    "RunWithBinding). `io: device`로 측정하십시오. `io: host`의 수치로는 그래프의\n"
    "효과를 알 수 없습니다.\n"
    "\n"
    "시드 가이드: 전혀 언급하지 않습니다.\n",
  },
  {
    "prefer_nhwc",
    "Let the CUDA EP run convolutions in NHWC (channels-last) layout.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 0\n"
    "\n"
    "With 1 the CUDA EP runs Conv and related operators (pooling, normalisation) in\n"
    "NHWC layout, which cuDNN's tensor-core kernels prefer. ORT inserts Transpose\n"
    "nodes where the layout changes.\n"
    "\n"
    "Conv nets often get faster, especially in FP16 or with TF32. Models that\n"
    "switch often between conv and non-conv operators can lose more on the\n"
    "transposes than they gain. Numerics: the same maths with different kernels, so\n"
    "small differences. Start-up: slightly more graph work.\n"
    "\n"
    "Measured (H100, ORT 1.29.0): with `enable_cuda_graph`, one of the two options\n"
    "that gave 1.3x to 1.7x on the conv models measured. It can also be slower:\n"
    "measure your model with `ortune tune`.\n"
    "\n"
    "Seed guide: never mentions it.\n",
    "CUDA EP가 컨볼루션을 NHWC(채널 마지막) 레이아웃으로 실행하게 합니다.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  0\n"
    "\n"
    "1이면 CUDA EP가 Conv와 관련 연산자(풀링, 정규화)를 cuDNN의 텐서 코어 커널이\n"
    "선호하는 NHWC 레이아웃으로 실행합니다. 레이아웃이 바뀌는 곳에는 ORT가\n"
    "Transpose 노드를 넣습니다.\n"
    "\n"
    "컨볼루션 모델은 특히 FP16이나 TF32에서 빨라지는 경우가 많습니다. 컨볼루션과\n"
    "다른 연산자 사이를 자주 오가는 모델은 Transpose 비용이 이득보다 클 수\n"
    "있습니다. 수치: 같은 계산을 다른 커널로 하므로 작은 차이가 납니다. 시작 시간:\n"
    "그래프 처리가 조금 늘어납니다.\n"
    "\n"
    "측정(H100, ORT 1.29.0): `enable_cuda_graph`와 함께, 측정한 컨볼루션 모델에서\n"
    "1.3배에서 1.7배 향상을 준 두 옵션 중 하나입니다. 더 느려질 수도 있으니\n"
    "`ortune tune`으로 직접 측정하십시오.\n"
    "\n"
    "시드 가이드: 전혀 언급하지 않습니다.\n",
  },
  {
    "use_tf32",
    "Let float32 MatMul/Gemm/Conv use TF32 tensor cores on Ampere and newer GPUs.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 1\n"
    "\n"
    "With 1, on Ampere and newer GPUs (RTX 30xx and 40xx, A100, H100) float32\n"
    "matrix multiplications and convolutions run on TF32 tensor cores: inputs are\n"
    "rounded to a 10-bit mantissa and accumulated in FP32. Faster for FP32 models;\n"
    "results differ from strict FP32 by about 1e-3 relative.\n"
    "\n"
    "0 forces full FP32 arithmetic: slower on those GPUs, but needed when the model\n"
    "is precision-sensitive or you compare closely against a CPU reference. No\n"
    "effect on Turing (T4) and older GPUs or on FP16 models.\n"
    "\n"
    "Seed guide: not mentioned. Note that its entry class mixes the RTX 3060\n"
    "(Ampere, has TF32) and the T4 (Turing, no TF32).\n",
    "Ampere 이상 GPU에서 float32 MatMul/Gemm/Conv가 TF32 텐서 코어를 쓰게 합니다.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  1\n"
    "\n"
    "1이면 Ampere 이상 GPU(RTX 30xx/40xx, A100, H100)에서 float32 행렬곱과\n"
    "컨볼루션이 TF32 텐서 코어로 돕니다. 입력을 10비트 가수로 반올림하고 FP32로\n"
    "누적합니다. FP32 모델이 빨라지고, 결과는 엄밀한 FP32와 상대오차 약 1e-3 정도\n"
    "다릅니다.\n"
    "\n"
    "0이면 완전한 FP32 연산을 강제합니다. 해당 GPU에서 느려지지만, 정밀도에 민감한\n"
    "모델이거나 CPU 기준 결과와 촘촘히 비교해야 할 때 필요합니다. Turing(T4) 이전\n"
    "GPU와 FP16 모델에는 효과가 없습니다.\n"
    "\n"
    "시드 가이드: 언급 없음. 시드의 엔트리 등급에는 RTX 3060(Ampere, TF32 있음)과\n"
    "T4(Turing, TF32 없음)가 섞여 있다는 점에 유의하십시오.\n",
  },
  {
    "fuse_conv_bias",
    "Fuse Conv with its bias add through the cuDNN frontend API.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 0\n"
    "\n"
    "With 1 the CUDA EP builds convolutions through cuDNN's frontend (graph) API\n"
    "and fuses the bias add into the convolution kernel. When it pays off it saves\n"
    "a kernel launch and a round trip through memory per convolution. On some\n"
    "models the fused kernels are slower than the separately searched convolution,\n"
    "and building the plans lengthens the first run.\n"
    "\n"
    "Measure it; keep 0 if it does not win.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "cuDNN frontend API로 Conv와 bias 덧셈을 하나의 커널로 융합합니다.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  0\n"
    "\n"
    "1이면 CUDA EP가 cuDNN frontend(그래프) API로 컨볼루션을 구성하고 bias 덧셈을\n"
    "컨볼루션 커널에 융합합니다. 효과가 있으면 컨볼루션마다 커널 실행 한 번과\n"
    "메모리 왕복 한 번을 아낍니다. 어떤 모델에서는 융합 커널이 따로 탐색한\n"
    "컨볼루션보다 느리고, 실행 계획을 만드느라 첫 실행이 길어집니다.\n"
    "\n"
    "측정해 보고, 이기지 못하면 0을 유지하십시오.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "cudnn_conv1d_pad_to_nc1d",
    "How a 1-D convolution input is padded to 4-D for cuDNN.",
    "Scope:       CUDA EP\n"
    "Values:      0 | 1\n"
    "ORT default: 0\n"
    "\n"
    "cuDNN has no 1-D convolution, so the CUDA EP reshapes a Conv1D input [N,C,D]\n"
    "to 4-D: [N,C,D,1] with 0 (the default), [N,C,1,D] with 1. The two give cuDNN\n"
    "different kernels to choose from; which is faster depends on the model and the\n"
    "GPU. Only matters for models with 1-D convolutions (audio, speech, time\n"
    "series).\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "1차원 컨볼루션 입력을 cuDNN용 4차원으로 늘리는 방식.",
    "범위:        CUDA EP\n"
    "값:          0 | 1\n"
    "ORT 기본값:  0\n"
    "\n"
    "cuDNN에는 1차원 컨볼루션이 없어서 CUDA EP가 Conv1D 입력 [N,C,D]를 4차원으로\n"
    "바꿉니다. 0(기본값)이면 [N,C,D,1], 1이면 [N,C,1,D]입니다. 두 방식은 cuDNN이\n"
    "고를 수 있는 커널이 서로 달라서, 어느 쪽이 빠른지는 모델과 GPU에 따라\n"
    "다릅니다. 1차원 컨볼루션이 있는 모델(오디오, 음성, 시계열)에서만 의미가\n"
    "있습니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "intra_op_num_threads",
    "Threads that share the work inside one operator on the CPU.",
    "Scope:       session\n"
    "Values:      integer >= 0\n"
    "ORT default: 0 (ORT picks: one per physical core)\n"
    "\n"
    "Size of the thread pool that splits one operator's work (GEMM, convolution,\n"
    "element-wise) on the CPU EP. 0 lets ORT choose: one thread per physical core.\n"
    "\n"
    "With `provider: cpu` this is the main knob. Use fewer threads when several\n"
    "sessions or processes share the CPU; more than the physical cores\n"
    "(hyper-threads) rarely helps. With the CUDA EP only CPU-side nodes use the\n"
    "pool; 1 to 4 threads are usually enough and leave cores for the rest of your\n"
    "pipeline.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "CPU에서 연산자 하나의 작업을 나눠 맡는 스레드 수.",
    "범위:        세션\n"
    "값:          정수 >= 0\n"
    "ORT 기본값:  0 (ORT가 선택: 물리 코어당 하나)\n"
    "\n"
    "CPU EP에서 연산자 하나의 작업(GEMM, 컨볼루션, 원소별 연산)을 나눠 처리하는\n"
    "스레드 풀의 크기입니다. 0이면 ORT가 정합니다. 물리 코어당 스레드 하나입니다.\n"
    "\n"
    "`provider: cpu`에서는 가장 중요한 설정입니다. 여러 세션이나 프로세스가 CPU를\n"
    "나눠 쓰면 줄이십시오. 물리 코어 수를 넘기는 것(하이퍼스레드)은 거의 도움이\n"
    "되지 않습니다. CUDA EP에서는 CPU 쪽 노드만 이 풀을 쓰므로 대개 1-4개면\n"
    "충분하고, 나머지 코어는 파이프라인의 다른 작업에 남겨 둘 수 있습니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "inter_op_num_threads",
    "Threads that run independent nodes concurrently (ORT_PARALLEL only).",
    "Scope:       session\n"
    "Values:      integer >= 0\n"
    "ORT default: 0 (ORT picks)\n"
    "\n"
    "Size of the thread pool that runs independent nodes at the same time. Used\n"
    "only with `execution_mode: ORT_PARALLEL`; ignored with ORT_SEQUENTIAL. 0 lets\n"
    "ORT choose.\n"
    "\n"
    "Seed guide: not mentioned; its ORT_PARALLEL combination leaves it at 0.\n",
    "독립된 노드를 동시에 실행하는 스레드 수(ORT_PARALLEL 전용).",
    "범위:        세션\n"
    "값:          정수 >= 0\n"
    "ORT 기본값:  0 (ORT가 선택)\n"
    "\n"
    "독립된 노드들을 동시에 실행하는 스레드 풀의 크기입니다.\n"
    "`execution_mode: ORT_PARALLEL`에서만 쓰이고 ORT_SEQUENTIAL에서는 무시됩니다.\n"
    "0이면 ORT가 정합니다.\n"
    "\n"
    "시드 가이드: 언급 없음. 시드의 ORT_PARALLEL 조합은 이 값을 0으로 둡니다.\n",
  },
  {
    "session.intra_op.allow_spinning",
    "Whether idle intra-op threads busy-wait for more work before sleeping.",
    "Scope:       session\n"
    "Values:      \"0\" | \"1\"\n"
    "ORT default: \"1\"\n"
    "\n"
    "With \"1\" the intra-op worker threads spin (busy-wait) for a while after\n"
    "finishing their work, so the next operator or the next run starts without a\n"
    "wake-up delay: lower latency, but the threads burn CPU between runs, which\n"
    "shows as full CPU use on a machine that mostly waits for a camera. With \"0\"\n"
    "they sleep at once: saves CPU when the box is shared, at a small latency cost\n"
    "on CPU-heavy models. With the CUDA EP and few CPU nodes \"0\" usually costs\n"
    "nothing.\n"
    "\n"
    "This is a session config entry (AddSessionConfigEntry), hence the quoted\n"
    "string values.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "쉬는 intra-op 스레드가 잠들기 전에 바쁜 대기(spin)를 할지.",
    "범위:        세션\n"
    "값:          \"0\" | \"1\"\n"
    "ORT 기본값:  \"1\"\n"
    "\n"
    "\"1\"이면 intra-op 작업 스레드가 일을 마친 뒤 잠시 바쁜 대기(spin)를 하므로 다음\n"
    "연산자나 다음 실행이 깨우는 지연 없이 시작됩니다. 지연은 줄지만 실행 사이에도\n"
    "스레드가 CPU를 태우므로, 대부분 카메라 프레임을 기다리는 머신에서도 CPU\n"
    "사용률이 가득 차 보입니다. \"0\"이면 바로 잠듭니다. 머신을 나눠 쓸 때 CPU를\n"
    "아끼고, CPU 비중이 큰 모델에서는 지연이 조금 늘어납니다. CUDA EP에 CPU 노드가\n"
    "적다면 \"0\"은 대개 비용이 없습니다.\n"
    "\n"
    "세션 설정 항목(AddSessionConfigEntry)이라 값을 따옴표 친 문자열로 씁니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "session.set_denormal_as_zero",
    "Flush denormal floats to zero on the CPU (FTZ/DAZ) to avoid slow denormal math.",
    "Scope:       session\n"
    "Values:      \"0\" | \"1\"\n"
    "ORT default: \"0\"\n"
    "\n"
    "Denormals are floats too small for the normal exponent range (below about\n"
    "1.2e-38). x86 CPUs handle them in microcode, 10 to 100 times slower than\n"
    "normal math, so a network whose activations or weights decay into that range\n"
    "can run many times slower (ORT issue #7448: 2400 ms down to 70 ms). With \"1\"\n"
    "ORT sets flush-to-zero and denormals-are-zero on its threads: such values\n"
    "become 0, which may move outputs slightly. It has no effect on GPU kernels.\n"
    "The first session of a process sets it for the calling thread; later\n"
    "sessions do not change it back. `tune --space cpu` tries it and keeps it only\n"
    "when it is faster and the outputs still match.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "CPU에서 비정규(denormal) 실수를 0으로 바꿔(FTZ/DAZ) 느린 연산을 피합니다.",
    "범위:        세션\n"
    "값:          \"0\" | \"1\"\n"
    "ORT 기본값:  \"0\"\n"
    "\n"
    "비정규 수는 정규 지수 범위보다 작은 실수(약 1.2e-38 미만)입니다. x86 CPU는\n"
    "이를 마이크로코드로 처리해 보통 연산보다 10~100배 느리므로, 활성값이나\n"
    "가중치가 이 범위로 작아지는 네트워크는 몇 배씩 느려질 수 있습니다(ORT 이슈\n"
    "#7448: 2400 ms에서 70 ms로). \"1\"이면 ORT가 자기 스레드에 flush-to-zero와\n"
    "denormals-are-zero를 켜서 그런 값이 0이 되며, 출력이 조금 달라질 수 있습니다.\n"
    "GPU 커널에는 영향이 없습니다. 프로세스의 첫 세션이 호출 스레드에 설정하고\n"
    "이후 세션은 되돌리지 않습니다. `tune --space cpu`가 시도하며, 더 빠르고\n"
    "출력이 여전히 일치할 때만 남깁니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "session.dynamic_block_base",
    "Split parallel loops into shrinking blocks for better load balance on the CPU.",
    "Scope:       session\n"
    "Values:      integer >= 0 (as a string)\n"
    "ORT default: \"0\" (off)\n"
    "\n"
    "With a positive value the intra-op thread pool splits a loop of N iterations\n"
    "into blocks that start at N / (threads x this value) and shrink as the work\n"
    "runs out, instead of equal static shares. It evens out threads that finish\n"
    "at different times (other load on the machine, hybrid cores) and can cut\n"
    "latency variance; on an idle machine with equal cores it often changes\n"
    "nothing. ORT suggests 4 as a first value, which is what `tune` tries.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "CPU 병렬 루프를 점점 작아지는 블록으로 나눠 부하를 고르게 합니다.",
    "범위:        세션\n"
    "값:          정수 >= 0 (문자열)\n"
    "ORT 기본값:  \"0\" (꺼짐)\n"
    "\n"
    "양수이면 intra-op 스레드 풀이 N번 반복하는 루프를 고정된 같은 몫 대신\n"
    "N / (스레드 수 x 이 값)에서 시작해 남은 일에 따라 작아지는 블록으로 나눕니다.\n"
    "스레드마다 끝나는 시각이 다를 때(머신의 다른 부하, 하이브리드 코어) 고르게\n"
    "맞춰 지연 편차를 줄일 수 있고, 코어가 같은 한가한 머신에서는 대개 차이가\n"
    "없습니다. ORT가 첫 값으로 권하는 4를 `tune`이 시도합니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "session.inter_op.allow_spinning",
    "Whether idle inter-op threads busy-wait (ORT_PARALLEL only).",
    "Scope:       session\n"
    "Values:      \"0\" | \"1\"\n"
    "ORT default: \"1\"\n"
    "\n"
    "The same as `session.intra_op.allow_spinning`, for the inter-op thread pool.\n"
    "Only matters with `execution_mode: ORT_PARALLEL`.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "쉬는 inter-op 스레드가 바쁜 대기를 할지(ORT_PARALLEL 전용).",
    "범위:        세션\n"
    "값:          \"0\" | \"1\"\n"
    "ORT 기본값:  \"1\"\n"
    "\n"
    "`session.intra_op.allow_spinning`과 같은 설정을 inter-op 스레드 풀에\n"
    "적용합니다. `execution_mode: ORT_PARALLEL`에서만 의미가 있습니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "device_id",
    "Which GPU the CUDA EP runs on.",
    "Scope:       CUDA EP\n"
    "Values:      integer >= 0\n"
    "ORT default: 0\n"
    "\n"
    "The CUDA device index, as CUDA numbers devices after CUDA_VISIBLE_DEVICES is\n"
    "applied. Tuning results belong to one GPU model: a config tuned on one kind of\n"
    "GPU is stale on another, and ortune warns when the machine does not match the\n"
    "provenance recorded in the config.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "CUDA EP가 사용할 GPU.",
    "범위:        CUDA EP\n"
    "값:          정수 >= 0\n"
    "ORT 기본값:  0\n"
    "\n"
    "CUDA 장치 번호입니다. CUDA_VISIBLE_DEVICES가 적용된 뒤 CUDA가 매기는 번호를\n"
    "따릅니다. 튜닝 결과는 특정 GPU 모델에 속합니다. 한 종류의 GPU에서 튜닝한\n"
    "설정은 다른 GPU에서는 낡은(stale) 설정이며, 머신이 설정에 기록된\n"
    "출처(provenance)와 맞지 않으면 ortune이 경고합니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "model_override",
    "The model file to open instead of the one the application names (a transformed model).",
    "Scope:       ortune harness\n"
    "Values:      a file name, relative to the directory of the model the\n"
    "             application opens (or absolute)\n"
    "Default:     none\n"
    "\n"
    "`ortune tune --accuracy RULE` also tries a float16 copy of the model and, when\n"
    "it wins the final A/B within the accuracy rule, writes it next to the model\n"
    "(model.ortune-fp16.onnx), its sha256 as provenance model_override_sha256, and\n"
    "this key. ortune_session_create() then opens that file for model.onnx: the\n"
    "application code does not change. A missing file, or one whose sha256 differs\n"
    "from the provenance, is an error naming it. Remove the key to go back to the\n"
    "float32 model. Without --accuracy tune never writes it.\n"
    "\n"
    "Seed guide: not mentioned.\n",
    "애플리케이션이 지정한 모델 대신 열 파일(변환된 모델).",
    "범위:        ortune 하네스\n"
    "값:          파일 이름. 애플리케이션이 여는 모델의 디렉터리 기준 상대 경로\n"
    "             (또는 절대 경로)\n"
    "기본값:      없음\n"
    "\n"
    "`ortune tune --accuracy 규칙`은 모델의 float16 사본도 시도하고, 그것이 정확도\n"
    "규칙 안에서 최종 A/B를 이기면 모델 옆에 (model.ortune-fp16.onnx) 쓰고 sha256을\n"
    "provenance model_override_sha256에, 그리고 이 키를 기록합니다. 그러면\n"
    "ortune_session_create()가 model.onnx 대신 그 파일을 열므로 애플리케이션 코드는\n"
    "바뀌지 않습니다. 파일이 없거나 sha256이 provenance와 다르면 그 파일을 밝히는\n"
    "오류입니다. float32 모델로 돌아가려면 키를 지우십시오. --accuracy가 없으면\n"
    "tune은 이 키를 쓰지 않습니다.\n"
    "\n"
    "시드 가이드: 언급 없음.\n",
  },
  {
    "provider",
    "ortune key: which execution provider the session uses.",
    "Scope:       ortune harness\n"
    "Values:      cpu | cuda\n"
    "Default:     cpu\n"
    "\n"
    "ortune's own key. `cuda` appends the CUDA execution provider with the CUDA EP\n"
    "options of this guide; nodes it cannot run fall back to the CPU. `cpu` uses\n"
    "the CPU EP only, and CUDA EP options have no effect.\n"
    "\n"
    "The CUDA EP needs ORT's CUDA provider library plus matching CUDA and cuDNN\n"
    "libraries. When they do not load, ortune stops with ENOCUDA and names the\n"
    "missing library instead of silently running on the CPU.\n",
    "ortune 키: 세션이 사용할 실행 공급자.",
    "범위:        ortune 하네스\n"
    "값:          cpu | cuda\n"
    "기본값:      cpu\n"
    "\n"
    "ortune 전용 키입니다. `cuda`는 이 가이드의 CUDA EP 옵션들과 함께 CUDA 실행\n"
    "공급자를 붙이며, CUDA EP가 실행하지 못하는 노드는 CPU로 넘어갑니다. `cpu`는\n"
    "CPU EP만 쓰며 CUDA EP 옵션은 효과가 없습니다.\n"
    "\n"
    "CUDA EP에는 ORT의 CUDA 공급자 라이브러리와 버전이 맞는 CUDA, cuDNN\n"
    "라이브러리가 필요합니다. 이들을 불러오지 못하면 ortune은 조용히 CPU로 돌지\n"
    "않고, ENOCUDA로 멈추며 빠진 라이브러리 이름을 알려 줍니다.\n",
  },
  {
    "io",
    "ortune key: where inputs and outputs live while ortune measures.",
    "Scope:       ortune harness\n"
    "Values:      host | device\n"
    "Default:     host\n"
    "\n"
    "ortune's own key for the measuring harness.\n"
    "\n"
    "- host: inputs come from host memory on every run and outputs go back to the\n"
    "  host. The end-to-end time a camera or request pipeline sees, copies\n"
    "  included.\n"
    "- device: IO binding; inputs and outputs stay on the GPU at fixed addresses.\n"
    "  The compute time, and the only mode in which `enable_cuda_graph` means\n"
    "  anything.\n"
    "\n"
    "Compare configs only under the same `io`. `ortune_session_create()` does not\n"
    "bind IO for you: to get numbers measured with `io: device`, your application\n"
    "must keep its tensors on the GPU with IO binding.\n",
    "ortune 키: 측정하는 동안 입력과 출력이 놓이는 곳.",
    "범위:        ortune 하네스\n"
    "값:          host | device\n"
    "기본값:      host\n"
    "\n"
    "측정 하네스를 위한 ortune 전용 키입니다.\n"
    "\n"
    "- host: 매 실행마다 입력을 호스트 메모리에서 가져오고 출력을 호스트로\n"
    "  돌려받습니다. 카메라나 요청 파이프라인이 실제로 겪는, 복사를 포함한 종단 간\n"
    "  시간입니다.\n"
    "- device: IO 바인딩. 입력과 출력이 고정 주소로 GPU에 머뭅니다. 순수 연산\n"
    "  시간이며, `enable_cuda_graph`가 의미를 갖는 유일한 모드입니다.\n"
    "\n"
    "설정끼리는 같은 `io`에서만 비교하십시오. `ortune_session_create()`는 IO\n"
    "바인딩을 대신해 주지 않습니다. `io: device`로 측정한 수치를 얻으려면\n"
    "애플리케이션이 IO 바인딩으로 텐서를 GPU에 두어야 합니다.\n",
  },
  {
    "free_dimension_overrides",
    "ortune key: fix a model's symbolic dimensions (e.g. batch) to constant sizes.",
    "Scope:       ortune harness\n"
    "Values:      mapping: symbolic dimension name -> integer\n"
    "Default:     none\n"
    "\n"
    "A mapping from the model's symbolic dimension names to fixed sizes, for\n"
    "example `batch: 8`. ortune passes them to ORT\n"
    "(AddFreeDimensionOverrideByName), so the session sees static shapes. That is\n"
    "required for `enable_cuda_graph`, lets the EXHAUSTIVE convolution search run\n"
    "once, and fixes the shape that ortune measures. Runs with a different size for\n"
    "that dimension then fail.\n"
    "\n"
    "Without it symbolic dimensions are resolved at run time.\n",
    "ortune 키: 모델의 심볼릭 차원(예: batch)을 고정 크기로 정합니다.",
    "범위:        ortune 하네스\n"
    "값:          매핑: 심볼릭 차원 이름 -> 정수\n"
    "기본값:      없음\n"
    "\n"
    "모델의 심볼릭 차원 이름을 고정 크기에 대응시키는 매핑입니다. 예: `batch: 8`.\n"
    "ortune이 이를 ORT에 넘기므로(AddFreeDimensionOverrideByName) 세션은 고정\n"
    "shape를 보게 됩니다. `enable_cuda_graph`에 필요하고, EXHAUSTIVE 컨볼루션\n"
    "탐색을 한 번으로 끝내게 하며, ortune이 측정하는 shape를 정해 줍니다. 이후 그\n"
    "차원에 다른 크기를 넣은 실행은 실패합니다.\n"
    "\n"
    "지정하지 않으면 심볼릭 차원은 실행할 때 정해집니다.\n",
  },
};

const int ortune_guide_count = (int)(sizeof ortune_guide / sizeof ortune_guide[0]);

/* Names accepted for an entry besides its own (config aliases). */
static const struct {
  const char *alias, *option;
} guide_aliases[] = {
    {"gpu_mem_limit_gb", "gpu_mem_limit"},
};

const ortune_guide_entry *ortune_guide_find(const char *option) {
  if (!option)
    return NULL;
  for (size_t i = 0; i < sizeof guide_aliases / sizeof guide_aliases[0]; i++)
    if (strcmp(option, guide_aliases[i].alias) == 0) {
      option = guide_aliases[i].option;
      break;
    }
  for (int i = 0; i < ortune_guide_count; i++)
    if (strcmp(option, ortune_guide[i].option) == 0)
      return &ortune_guide[i];
  return NULL;
}

const char *ortune_guide_intro(int korean) { return korean ? intro_ko : intro_en; }

int ortune_guide_lang_is_korean(void) {
  /* POSIX precedence for message language: the first of these that is set and non-empty decides. */
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v)
      return strncmp(v, "ko", 2) == 0;
  }
  return 0;
}

/* ---- per GPU class: the intro's starting points as data (ortune explain --class) ---- */

static const ortune_guide_pick picks_big[] = {
    {"cudnn_conv_algo_search", "EXHAUSTIVE"}, {"prefer_nhwc", "1"}, {"enable_cuda_graph", "1"}, {"io", "device"}, {NULL, NULL}};
static const ortune_guide_pick picks_entry[] = {{"cudnn_conv_algo_search", "HEURISTIC"},
                                                {"cudnn_conv_use_max_workspace", "1"},
                                                {"prefer_nhwc", "1"},
                                                {"enable_cuda_graph", "1"},
                                                {NULL, NULL}};
static const ortune_guide_pick picks_none[] = {{NULL, NULL}};

const ortune_guide_pick *ortune_guide_class_picks(const char *cls) {
  if (cls && (!strcmp(cls, "high") || !strcmp(cls, "mid"))) return picks_big;
  if (cls && !strcmp(cls, "entry")) return picks_entry;
  return picks_none;
}

const char *ortune_guide_class_note(const char *cls, int korean) {
  if (cls && (!strcmp(cls, "high") || !strcmp(cls, "mid")))
    return korean ? "시드 가이드는 HEURISTIC, gpu_mem_limit_gb 8-24, do_copy_in_default_stream: false, tunable_op_enable: true를 "
                    "권했지만 H100에서 측정한 결과 기본값과 차이가 없었습니다. prefer_nhwc와 enable_cuda_graph가 실제로 빨라진 옵션입니다."
                  : "The seed guide advised HEURISTIC, gpu_mem_limit_gb 8-24, do_copy_in_default_stream: false and "
                    "tunable_op_enable: true; measured on an H100 these were within noise of the defaults. prefer_nhwc and "
                    "enable_cuda_graph are what moved the numbers.";
  if (cls && !strcmp(cls, "entry"))
    return korean ? "시드 가이드의 cudnn_conv_algo_search: DEFAULT는 틀렸습니다(2~100배 느림). HEURISTIC 또는 EXHAUSTIVE를 "
                    "쓰십시오. T4(Turing)에서는 use_tf32가 효과가 없습니다."
                  : "The seed guide's cudnn_conv_algo_search: DEFAULT is wrong (2x to 100x slower): use HEURISTIC or EXHAUSTIVE. "
                    "On the T4 (Turing) use_tf32 does nothing.";
  return korean ? "가이드에는 CPU 등급별 권장값이 없습니다. CPU에서는 intra_op_num_threads와 "
                  "session.intra_op.allow_spinning이 가장 크게 작용합니다."
                : "The guide gives no per-class advice for CPUs; there intra_op_num_threads and "
                  "session.intra_op.allow_spinning matter most.";
}
