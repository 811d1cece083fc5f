"""The contract suite itself (the product): pytest test modules shipped inside the package, so an installed
vapi-contract runs anywhere. Started by `vapi-contract run`, or by plain pytest:
`pytest --pyargs vapi_contract.contract.suite --target twin|URL ...` (the options and hooks come from the
`pytest11` plugin `vapi_contract.contract.plugin`; the fixtures from this folder's conftest.py)."""
