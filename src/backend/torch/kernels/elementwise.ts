/** Element-wise kernels: unary, binary (NumPy broadcasting, as TensorFlow), comparisons, activations. */
import { direct, kernel, type TorchKernel } from './define';

const unary: Array<[string, string]> = [
  ['Abs', 'abs'], ['Neg', 'neg'], ['Exp', 'exp'], ['Log', 'log'], ['Log1p', 'log1p'], ['Sqrt', 'sqrt'],
  ['Rsqrt', 'rsqrt'], ['Square', 'square'], ['Relu', 'relu'], ['Relu6', 'relu6'], ['Sigmoid', 'sigmoid'],
  ['Tanh', 'tanh'], ['Sign', 'sign'], ['Floor', 'floor'], ['Ceil', 'ceil'], ['Round', 'round'], ['Sin', 'sin'],
  ['Cos', 'cos'], ['Reciprocal', 'reciprocal'], ['Softplus', 'softplus'], ['Elu', 'elu'], ['IsNan', 'isNan'],
  ['IsInf', 'isInf'], ['IsFinite', 'isFinite'], ['LogicalNot', 'logicalNot'], ['Expm1', 'expm1'], ['Erf', 'erf'],
  ['ZerosLike', 'zerosLike'], ['OnesLike', 'onesLike'], ['Atanh', 'atanh'],
];

const binary: Array<[string, string]> = [
  ['Add', 'add'], ['Sub', 'sub'], ['Multiply', 'mul'], ['RealDiv', 'div'], ['FloorDiv', 'floorDiv'],
  ['Maximum', 'maximum'], ['Minimum', 'minimum'], ['Pow', 'pow'], ['SquaredDifference', 'squaredDifference'],
  ['Mod', 'mod'], ['Atan2', 'atan2'], ['Equal', 'equal'], ['NotEqual', 'notEqual'], ['Less', 'less'],
  ['LessEqual', 'lessEqual'], ['Greater', 'greater'], ['GreaterEqual', 'greaterEqual'],
  ['LogicalAnd', 'logicalAnd'], ['LogicalOr', 'logicalOr'],
];

export const elementwiseKernels: TorchKernel[] = [
  ...unary.map(([name, op]) => direct(name, op, ['x'])),
  ...binary.map(([name, op]) => direct(name, op, ['a', 'b'])),
  direct('EluGrad', 'eluGrad', ['dy', 'y']),
  direct('Prelu', 'prelu', ['x', 'alpha']),
  kernel('Step', ({ x }, { alpha }, b) => b.run1('step', [x!], [alpha as number])),
  kernel('LeakyRelu', ({ x }, { alpha }, b) => b.run1('leakyRelu', [x!], [alpha as number])),
  kernel('ClipByValue', ({ x }, { clipValueMin, clipValueMax }, b) =>
    b.run1('clip', [x!], [clipValueMin as number, clipValueMax as number])),
  kernel('AddN', (inputs, _attrs, b) => b.run1('addN', Object.values(inputs) as never)),
];
