"""Large functions: hundreds of sites and constants, so that the resume
twin the runtime builds needs EXTENDED_ARG in its dispatcher (jumps back
into the function, constant indices past 255, a site number compared past
255); frames stopped early, in the middle and at the end of a long
expression whose partial sum stays on the value stack, and a generator
with many yields."""
from support import pause, show


def step(k):
    if k in (3, 150, 297):
        return pause(k)
    return k * 2


def wide():
    total = (
        step(1) + step(2) + step(3) + step(4) + step(5) + step(6) + step(7) + step(8) + step(9) + step(10) +
        step(11) + step(12) + step(13) + step(14) + step(15) + step(16) + step(17) + step(18) + step(19) + step(20) +
        step(21) + step(22) + step(23) + step(24) + step(25) + step(26) + step(27) + step(28) + step(29) + step(30) +
        step(31) + step(32) + step(33) + step(34) + step(35) + step(36) + step(37) + step(38) + step(39) + step(40) +
        step(41) + step(42) + step(43) + step(44) + step(45) + step(46) + step(47) + step(48) + step(49) + step(50) +
        step(51) + step(52) + step(53) + step(54) + step(55) + step(56) + step(57) + step(58) + step(59) + step(60) +
        step(61) + step(62) + step(63) + step(64) + step(65) + step(66) + step(67) + step(68) + step(69) + step(70) +
        step(71) + step(72) + step(73) + step(74) + step(75) + step(76) + step(77) + step(78) + step(79) + step(80) +
        step(81) + step(82) + step(83) + step(84) + step(85) + step(86) + step(87) + step(88) + step(89) + step(90) +
        step(91) + step(92) + step(93) + step(94) + step(95) + step(96) + step(97) + step(98) + step(99) + step(100) +
        step(101) + step(102) + step(103) + step(104) + step(105) + step(106) + step(107) + step(108) + step(109) + step(110) +
        step(111) + step(112) + step(113) + step(114) + step(115) + step(116) + step(117) + step(118) + step(119) + step(120) +
        step(121) + step(122) + step(123) + step(124) + step(125) + step(126) + step(127) + step(128) + step(129) + step(130) +
        step(131) + step(132) + step(133) + step(134) + step(135) + step(136) + step(137) + step(138) + step(139) + step(140) +
        step(141) + step(142) + step(143) + step(144) + step(145) + step(146) + step(147) + step(148) + step(149) + step(150) +
        step(151) + step(152) + step(153) + step(154) + step(155) + step(156) + step(157) + step(158) + step(159) + step(160) +
        step(161) + step(162) + step(163) + step(164) + step(165) + step(166) + step(167) + step(168) + step(169) + step(170) +
        step(171) + step(172) + step(173) + step(174) + step(175) + step(176) + step(177) + step(178) + step(179) + step(180) +
        step(181) + step(182) + step(183) + step(184) + step(185) + step(186) + step(187) + step(188) + step(189) + step(190) +
        step(191) + step(192) + step(193) + step(194) + step(195) + step(196) + step(197) + step(198) + step(199) + step(200) +
        step(201) + step(202) + step(203) + step(204) + step(205) + step(206) + step(207) + step(208) + step(209) + step(210) +
        step(211) + step(212) + step(213) + step(214) + step(215) + step(216) + step(217) + step(218) + step(219) + step(220) +
        step(221) + step(222) + step(223) + step(224) + step(225) + step(226) + step(227) + step(228) + step(229) + step(230) +
        step(231) + step(232) + step(233) + step(234) + step(235) + step(236) + step(237) + step(238) + step(239) + step(240) +
        step(241) + step(242) + step(243) + step(244) + step(245) + step(246) + step(247) + step(248) + step(249) + step(250) +
        step(251) + step(252) + step(253) + step(254) + step(255) + step(256) + step(257) + step(258) + step(259) + step(260) +
        step(261) + step(262) + step(263) + step(264) + step(265) + step(266) + step(267) + step(268) + step(269) + step(270) +
        step(271) + step(272) + step(273) + step(274) + step(275) + step(276) + step(277) + step(278) + step(279) + step(280) +
        step(281) + step(282) + step(283) + step(284) + step(285) + step(286) + step(287) + step(288) + step(289) + step(290) +
        step(291) + step(292) + step(293) + step(294) + step(295) + step(296) + step(297) + step(298) + step(299) + step(300))
    return total


def many_yields():
    yield step(1) * 1001
    yield step(2) * 1002
    yield step(3) * 1003
    yield step(4) * 1004
    yield step(5) * 1005
    yield step(6) * 1006
    yield step(7) * 1007
    yield step(8) * 1008
    yield step(9) * 1009
    yield step(10) * 1010
    yield step(11) * 1011
    yield step(12) * 1012
    yield step(13) * 1013
    yield step(14) * 1014
    yield step(15) * 1015
    yield step(16) * 1016
    yield step(17) * 1017
    yield step(18) * 1018
    yield step(19) * 1019
    yield step(20) * 1020
    yield step(21) * 1021
    yield step(22) * 1022
    yield step(23) * 1023
    yield step(24) * 1024
    yield step(25) * 1025
    yield step(26) * 1026
    yield step(27) * 1027
    yield step(28) * 1028
    yield step(29) * 1029
    yield step(30) * 1030
    yield step(31) * 1031
    yield step(32) * 1032
    yield step(33) * 1033
    yield step(34) * 1034
    yield step(35) * 1035
    yield step(36) * 1036
    yield step(37) * 1037
    yield step(38) * 1038
    yield step(39) * 1039
    yield step(40) * 1040


def main():
    show("wide", wide())
    values = []
    for v in many_yields():
        values.append(v)
        if len(values) in (5, 37):
            pause()
    show("yields", sum(values), len(values))


main()
