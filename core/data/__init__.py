"""The data the lessons learn from: Fashion-MNIST and MNIST (`fashion_mnist`, `mnist`, with
`downloads` for why a download failed), folders and zips of photos (`image_folders`) and the one
guarded decoder every photo passes (`uploads`). Only `fashion_mnist` and `mnist` load TensorFlow.
"""
