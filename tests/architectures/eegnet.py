"""The EEGNet family (arl-eegmodels, EEGModels.py), as published, imports changed.

The published code expects ``image_data_format() == 'channels_first'`` (keras.json);
inputs are ``(trials, 1, channels, samples)``.
"""

from convlayers import backend as K
from convlayers.constraints import max_norm
from convlayers.layers import (
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    DepthwiseConv2D,
    Dropout,
    Flatten,
    Input,
    MaxPooling2D,
    Permute,
    SeparableConv2D,
    SpatialDropout2D,
)
from convlayers.models import Model
from convlayers.regularizers import l1_l2


def EEGNet(nb_classes, Chans=64, Samples=128, dropoutRate=0.25, kernLength=64, F1=4,
           D=2, F2=8, norm_rate=0.25, dropoutType="Dropout"):  # fmt: skip
    if dropoutType == "SpatialDropout2D":
        dropoutType = SpatialDropout2D
    elif dropoutType == "Dropout":
        dropoutType = Dropout
    else:
        raise ValueError(
            "dropoutType must be one of SpatialDropout2D or Dropout, passed as a string."
        )

    input1 = Input(shape=(1, Chans, Samples))
    block1 = Conv2D(F1, (1, kernLength), padding="same", input_shape=(1, Chans, Samples),
                    use_bias=False)(input1)  # fmt: skip
    block1 = BatchNormalization(axis=1)(block1)
    block1 = DepthwiseConv2D((Chans, 1), use_bias=False, depth_multiplier=D,
                             depthwise_constraint=max_norm(1.0))(block1)  # fmt: skip
    block1 = BatchNormalization(axis=1)(block1)
    block1 = Activation("elu")(block1)
    block1 = AveragePooling2D((1, 4))(block1)
    block1 = dropoutType(dropoutRate)(block1)

    block2 = SeparableConv2D(F2, (1, 16), use_bias=False, padding="same")(block1)
    block2 = BatchNormalization(axis=1)(block2)
    block2 = Activation("elu")(block2)
    block2 = AveragePooling2D((1, 8))(block2)
    block2 = dropoutType(dropoutRate)(block2)

    flatten = Flatten(name="flatten")(block2)
    dense = Dense(nb_classes, name="dense", kernel_constraint=max_norm(norm_rate))(flatten)
    softmax = Activation("softmax", name="softmax")(dense)
    return Model(inputs=input1, outputs=softmax)


def EEGNet_SSVEP(nb_classes, Chans=64, Samples=128, regRate=0.0001, dropoutRate=0.25,
                 kernLength=64, numFilters=8):  # fmt: skip
    input1 = Input(shape=(1, Chans, Samples))
    layer1 = Conv2D(numFilters, (1, kernLength), padding="same",
                    kernel_regularizer=l1_l2(l1=0.0, l2=0.0),
                    input_shape=(1, Chans, Samples), use_bias=False)(input1)  # fmt: skip
    layer1 = BatchNormalization(axis=1)(layer1)
    layer1 = DepthwiseConv2D((Chans, 1), depthwise_regularizer=l1_l2(l1=regRate, l2=regRate),
                             use_bias=False)(layer1)  # fmt: skip
    layer1 = BatchNormalization(axis=1)(layer1)
    layer1 = Activation("elu")(layer1)
    layer1 = SpatialDropout2D(dropoutRate)(layer1)

    layer2 = SeparableConv2D(numFilters, (1, 8), depthwise_regularizer=l1_l2(l1=0.0, l2=regRate),
                             use_bias=False, padding="same")(layer1)  # fmt: skip
    layer2 = BatchNormalization(axis=1)(layer2)
    layer2 = Activation("elu")(layer2)
    layer2 = AveragePooling2D((1, 4))(layer2)
    layer2 = SpatialDropout2D(dropoutRate)(layer2)

    layer3 = SeparableConv2D(numFilters * 2, (1, 8), depth_multiplier=2,
                             depthwise_regularizer=l1_l2(l1=0.0, l2=regRate), use_bias=False,
                             padding="same")(layer2)  # fmt: skip
    layer3 = BatchNormalization(axis=1)(layer3)
    layer3 = Activation("elu")(layer3)
    layer3 = AveragePooling2D((1, 4))(layer3)
    layer3 = SpatialDropout2D(dropoutRate)(layer3)

    flatten = Flatten(name="flatten")(layer3)
    dense = Dense(nb_classes, name="dense")(flatten)
    softmax = Activation("softmax", name="softmax")(dense)
    return Model(inputs=input1, outputs=softmax)


def EEGNet_old(nb_classes, Chans=64, Samples=128, regRate=0.0001, dropoutRate=0.25,
               kernels=[(2, 32), (8, 4)], strides=(2, 4)):  # fmt: skip # noqa: B006
    input_main = Input((1, Chans, Samples))
    layer1 = Conv2D(16, (Chans, 1), input_shape=(1, Chans, Samples),
                    kernel_regularizer=l1_l2(l1=regRate, l2=regRate))(input_main)  # fmt: skip
    layer1 = BatchNormalization(axis=1)(layer1)
    layer1 = Activation("elu")(layer1)
    layer1 = Dropout(dropoutRate)(layer1)

    permute_dims = 2, 1, 3
    permute1 = Permute(permute_dims)(layer1)

    layer2 = Conv2D(4, kernels[0], padding="same", kernel_regularizer=l1_l2(l1=0.0, l2=regRate),
                    strides=strides)(permute1)  # fmt: skip
    layer2 = BatchNormalization(axis=1)(layer2)
    layer2 = Activation("elu")(layer2)
    layer2 = Dropout(dropoutRate)(layer2)

    layer3 = Conv2D(4, kernels[1], padding="same", kernel_regularizer=l1_l2(l1=0.0, l2=regRate),
                    strides=strides)(layer2)  # fmt: skip
    layer3 = BatchNormalization(axis=1)(layer3)
    layer3 = Activation("elu")(layer3)
    layer3 = Dropout(dropoutRate)(layer3)

    flatten = Flatten(name="flatten")(layer3)
    dense = Dense(nb_classes, name="dense")(flatten)
    softmax = Activation("softmax", name="softmax")(dense)
    return Model(inputs=input_main, outputs=softmax)


def DeepConvNet(nb_classes, Chans=64, Samples=256, dropoutRate=0.5):
    input_main = Input((1, Chans, Samples))
    block1 = Conv2D(25, (1, 5), input_shape=(1, Chans, Samples),
                    kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(input_main)  # fmt: skip
    block1 = Conv2D(25, (Chans, 1), kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(block1)
    block1 = BatchNormalization(axis=1, epsilon=1e-05, momentum=0.1)(block1)
    block1 = Activation("elu")(block1)
    block1 = MaxPooling2D(pool_size=(1, 2), strides=(1, 2))(block1)
    block1 = Dropout(dropoutRate)(block1)

    block2 = Conv2D(50, (1, 5), kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(block1)
    block2 = BatchNormalization(axis=1, epsilon=1e-05, momentum=0.1)(block2)
    block2 = Activation("elu")(block2)
    block2 = MaxPooling2D(pool_size=(1, 2), strides=(1, 2))(block2)
    block2 = Dropout(dropoutRate)(block2)

    block3 = Conv2D(100, (1, 5), kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(block2)
    block3 = BatchNormalization(axis=1, epsilon=1e-05, momentum=0.1)(block3)
    block3 = Activation("elu")(block3)
    block3 = MaxPooling2D(pool_size=(1, 2), strides=(1, 2))(block3)
    block3 = Dropout(dropoutRate)(block3)

    block4 = Conv2D(200, (1, 5), kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(block3)
    block4 = BatchNormalization(axis=1, epsilon=1e-05, momentum=0.1)(block4)
    block4 = Activation("elu")(block4)
    block4 = MaxPooling2D(pool_size=(1, 2), strides=(1, 2))(block4)
    block4 = Dropout(dropoutRate)(block4)

    flatten = Flatten()(block4)
    dense = Dense(nb_classes, kernel_constraint=max_norm(0.5))(flatten)
    softmax = Activation("softmax")(dense)
    return Model(inputs=input_main, outputs=softmax)


# need these for ShallowConvNet
def square(x):
    return K.square(x)


def log(x):
    return K.log(K.clip(x, min_value=1e-7, max_value=10000))


def ShallowConvNet(nb_classes, Chans=64, Samples=128, dropoutRate=0.5):
    input_main = Input((1, Chans, Samples))
    block1 = Conv2D(40, (1, 13), input_shape=(1, Chans, Samples),
                    kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(input_main)  # fmt: skip
    block1 = Conv2D(40, (Chans, 1), use_bias=False,
                    kernel_constraint=max_norm(2.0, axis=(0, 1, 2)))(block1)  # fmt: skip
    block1 = BatchNormalization(axis=1, epsilon=1e-05, momentum=0.1)(block1)
    block1 = Activation(square)(block1)
    block1 = AveragePooling2D(pool_size=(1, 35), strides=(1, 7))(block1)
    block1 = Activation(log)(block1)
    block1 = Dropout(dropoutRate)(block1)
    flatten = Flatten()(block1)
    dense = Dense(nb_classes, kernel_constraint=max_norm(0.5))(flatten)
    softmax = Activation("softmax")(dense)
    return Model(inputs=input_main, outputs=softmax)
