// Nepxion's example files (DiscoveryTool's automation test vectors), as the
// pages' 〔Nepxion 示例〕 buttons fill them in.

export const INSPECTOR_YAML = `service:
  - discovery-guide-service-a
  - discovery-guide-service-b
header:
  xyz: 1
`;

export const INSPECTOR_PROPERTIES = `# 网关侦测入口地址
testcase.inspect.url=http://localhost:5001/discovery-guide-service-a/inspector/inspect
# 网关侦测入口转发服务
testcase.inspect.context.service=discovery-guide-service-a

# 测试用例的总数。采样总数越大，准确率越高，但耗费时间越长。缺失则默认为10
# testcase.sample.count=10

# 测试用例结果的过滤，不允许出现空格。缺失则默认为ID,V，即显示服务名和版本号
# testcase.result.filter=ID,V
`;

export const RELEASE_BASIC_YAML = `service:
  - discovery-guide-service-a
  - discovery-guide-service-b
sort: version
`;

export const RELEASE_1_YAML = `service:
  - discovery-guide-service-a
  - discovery-guide-service-b
blueGreen:
  - expression: "#H['xyz'] == '1'"
    route: green
  - expression: "#H['xyz'] == '2'"
    route: blue
gray:
  - expression: "#H['xyz'] == '3'"
    weight:
      - 90
      - 10
  - expression: "#H['xyz'] == '4'"
    weight:
      - 70
      - 30
sort: version
`;

export const RELEASE_2_YAML = `service:
  - discovery-guide-service-a
  - discovery-guide-service-b
condition: true
sort: version
`;

export const SIMULATOR_PROPERTIES = `# 测试用例的配置内容推送的控制台地址
testcase.console.url=http://localhost:6001
# 订阅的组名
testcase.group=discovery-guide-group
# 订阅的服务名
testcase.service=discovery-guide-gateway
# 网关侦测入口地址
testcase.inspect.url=http://localhost:5001/discovery-guide-service-a/inspector/inspect
# 网关侦测入口转发服务
testcase.inspect.context.service=discovery-guide-service-a
# 测试用例的蓝绿采样总数。缺失则默认为100
# testcase.bluegreen.sample.count=100
# 测试用例的灰度权重采样总数。缺失则默认为1000
# testcase.gray.sample.count=1000
# 测试用例的灰度权重准确率偏离值。缺失则默认为5
# testcase.gray.weight.offset=5
`;
