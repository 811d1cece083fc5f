"""Operation labels (`GET /assistant/{id}`) are read and ordered in one place, spec/model.py."""

from vapi_contract.spec.model import iter_operations, label_method, label_path, label_sort_key, split_label


def test_a_label_splits_at_the_first_space_only():
    assert split_label("GET /assistant/{id}") == ("GET", "/assistant/{id}")
    assert split_label("POST /odd path/x") == ("POST", "/odd path/x")  # a path may hold a space
    assert label_method("DELETE /x") == "DELETE" and label_path("DELETE /x") == "/x"


def test_labels_of_a_document_read_back_to_their_method_and_path():
    document = {"paths": {"/a/{id}": {"get": {}, "patch": {}}, "/a": {"post": {}}}}
    for op in iter_operations(document):
        assert split_label(op.label) == (op.method, op.path)


def test_operations_sort_by_path_then_in_reading_order_of_methods():
    labels = ["DELETE /a/{id}", "TRACE /a", "PATCH /a/{id}", "POST /a", "GET /a/{id}", "GET /a", "OPTIONS /a"]
    assert sorted(labels, key=label_sort_key) == [
        "GET /a", "POST /a", "OPTIONS /a", "TRACE /a", "GET /a/{id}", "PATCH /a/{id}", "DELETE /a/{id}"]
