"""SavedModel export for serving: raw inputs in, decoded outputs out, TensorFlow alone.

    from seqmodels.export import export_saved_model, latest_version
    path = export_saved_model(model, "saved_models/g2p",
                              source_vocabulary=letters, target_vocabulary=phones)
    # saved_models/g2p/1/  (then 2/, 3/, ... on later exports)

    import tensorflow as tf                      # in any process: no keras, no seqmodels
    g2p = tf.saved_model.load("saved_models/g2p/1")
    g2p.signatures["serving_default"](inputs=tf.constant(["hello"]))["outputs"]

The `.keras` file stays the training checkpoint (weights, optimizer state,
config: resume training from it); the SavedModel is the serving artifact
(graph, weights and vocabularies, no optimizer: load it with TensorFlow,
TF Serving, or map it over a `tf.data` pipeline).
"""

from seqmodels.export.saved_model import export_saved_model
from seqmodels.export.versioned import latest_version, read_metadata, versions

__all__ = ["export_saved_model", "latest_version", "read_metadata", "versions"]
